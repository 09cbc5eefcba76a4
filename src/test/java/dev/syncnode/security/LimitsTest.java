package dev.syncnode.security;

import static dev.syncnode.it.Cluster.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.syncnode.config.ConfigHolder;
import dev.syncnode.config.NodeConfig;
import dev.syncnode.it.Trees;
import dev.syncnode.master.content.ContentVerticle;
import dev.syncnode.master.scan.ScanCacheVerticle;
import dev.syncnode.master.scan.ScannerVerticle;
import dev.syncnode.metrics.SyncMetrics;
import dev.syncnode.node.HttpEndpointVerticle;
import dev.syncnode.proto.FileScanRequest;
import dev.syncnode.transport.http.server.HttpThrottle;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import io.vertx.grpc.common.GrpcStatus;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Limits of a master: idle timeouts on both ports (a stalled client loses its connection, and with
 * it its throttle slot), message and header size limits, and gRPC only over HTTP/2. Waiting is on
 * events (a socket closing, a response arriving), never on a clock.
 */
class LimitsTest {
  static final long BIG = 48L << 20;

  @TempDir static Path tmp;
  static Nodes.Master master;
  static Vertx client;

  @BeforeAll
  static void start() throws Exception {
    Path ws = Files.createDirectories(tmp.resolve("ws"));
    Trees.write(ws.resolve("spider1"), "ok.txt", "ok\n");
    Trees.sparse(ws, "spider1/big.bin", BIG); // larger than what the socket buffers of a stalled reader can absorb
    master = new Nodes.Master(ws, c -> {
      NodeConfig.Sync s = c.sync();
      return c
          .withHttp(new NodeConfig.Endpoint("127.0.0.1", 0, Duration.ofMillis(400)))
          .withGrpc(new NodeConfig.Endpoint("127.0.0.1", 0, Duration.ofMillis(400)))
          .withSync(new NodeConfig.Sync(s.useGrpc(), s.grpcCacheTtl(), s.grpcChunkSize(), s.ignore(),
              new NodeConfig.HttpLimits(1, 1, 1), s.retry(), s.timeout()));
    });
    client = Vertx.vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    await(client.close());
    master.close();
  }

  /** Opens a raw connection, writes {@code bytes}, and waits until the server closes it. */
  private static void assertServerCloses(int port, String bytes) throws Exception {
    NetClient net = client.createNetClient();
    NetSocket s = await(net.connect(port, "127.0.0.1"));
    Promise<Void> closed = Promise.promise();
    s.closeHandler(v -> closed.tryComplete());
    if (!bytes.isEmpty()) {
      await(s.write(Buffer.buffer(bytes)));
    }
    await(closed.future());
    await(net.close());
  }

  @Test
  void silentAndHalfSentConnectionsAreClosedOnBothPorts() throws Exception {
    assertServerCloses(master.httpPort(), "");
    assertServerCloses(master.httpPort(), "GET /api/sync/spider1/scan HTTP/1.1\r\nHost: x\r\n"); // never finished
    assertServerCloses(master.node.grpcPort(), "");
    assertServerCloses(master.node.grpcPort(), "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"); // preface, then nothing
  }

  /**
   * With one download slot: a client that requests a large file and then neither reads nor closes
   * holds the slot only until the idle timeout closes its connection (seen through the throttle's
   * change notifications, not a clock); then the next download gets the slot and runs to completion.
   * A request waiting in the queue is idle too, so the idle timeout also bounds the queue wait.
   */
  @Test
  void stalledReaderLosesItsDownloadSlot() throws Exception {
    NodeConfig c = master.config.get();
    ConfigHolder config = new ConfigHolder(c);
    SyncMetrics metrics = SyncMetrics.standalone();
    Vertx v = Vertx.vertx();
    try {
      HttpEndpointVerticle endpoint = new HttpEndpointVerticle(config, metrics);
      await(v.deployVerticle(new ScannerVerticle(config, metrics))
          .compose(id -> v.deployVerticle(new ScanCacheVerticle(config, metrics)))
          .compose(id -> v.deployVerticle(new ContentVerticle(config)))
          .compose(id -> v.deployVerticle(endpoint)));
      HttpThrottle throttle = endpoint.throttle();
      Promise<Void> held = Promise.promise();
      Promise<Void> freed = Promise.promise();
      throttle.onChange(() -> {
        int running = throttle.inFlight(HttpThrottle.Endpoint.DOWNLOAD);
        if (running == 1) {
          held.tryComplete();
        } else if (running == 0 && held.future().isComplete()) {
          freed.tryComplete();
        }
      });
      try (Socket stalled = new Socket(InetAddress.getLoopbackAddress(), endpoint.actualPort())) {
        stalled.getOutputStream().write("GET /api/sync/spider1/download?path=big.bin HTTP/1.1\r\nHost: x\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII));
        await(held.future()); // it holds the only download slot and never reads
        await(freed.future()); // the idle timeout closed its connection and freed the slot
        try (HttpProbe http = new HttpProbe(client, endpoint.actualPort(), new HttpClientOptions().setKeepAlive(false))) {
          HttpProbe.Result r = http.get("/api/sync/spider1/download?path=big.bin");
          assertEquals(200, r.status(), r.toString());
          assertEquals(BIG, r.body().length());
        }
      }
    } finally {
      await(v.close());
    }
  }

  @Test
  void oversizedInputIsRefused() throws Exception {
    try (HttpProbe http = new HttpProbe(client, master.httpPort(), new HttpClientOptions().setKeepAlive(false))) {
      HttpProbe.Result longUrl = http.get("/api/sync/spider1/scan?path=" + "a".repeat(10_000));
      assertTrue(longUrl.status() == 414 || longUrl.status() == 400, longUrl.toString());
      HttpProbe.Result bigHeader = http.get("/health", Map.of("X-Big", "b".repeat(20_000)));
      assertTrue(bigHeader.status() == 431 || bigHeader.status() == 400, bigHeader.toString());
      assertEquals(200, http.get("/health").status());
    }
    try (GrpcProbe grpc = new GrpcProbe(client, master.node.grpcPort())) {
      GrpcProbe.Result big = grpc.raw("syncnode.v1.SyncService/StreamFileScan",
          Buffer.buffer(new byte[5 * 1024 * 1024]));
      assertEquals(GrpcStatus.RESOURCE_EXHAUSTED, big.status(), big.toString());
      assertTrue(grpc.scan(FileScanRequest.newBuilder().setSpiderId("spider1").build(), null).ok());
    }
  }

  @Test
  void grpcPortSpeaksGrpcOverHttp2Only() throws Exception {
    try (HttpProbe http = new HttpProbe(client, master.node.grpcPort(), new HttpClientOptions().setKeepAlive(false))) {
      for (String type : new String[] {"application/json", "application/grpc-web", "application/grpc-web-text",
          "application/grpc"}) {
        HttpProbe.Result r = http.request(HttpMethod.POST, "/syncnode.v1.SyncService/StreamFileScan",
            Map.of("Content-Type", type), Buffer.buffer("{}".getBytes(StandardCharsets.UTF_8)));
        assertEquals(415, r.status(), type + " over HTTP/1.1: " + r);
      }
    }
  }
}
