package dev.syncnode.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.syncnode.config.NodeConfig;
import dev.syncnode.it.Trees;
import dev.syncnode.transport.http.server.HttpThrottle;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Slow readers and the HTTP download slots (issue 12, item 5): with one slot, a reader that takes
 * nothing loses it as soon as another download waits (minimum rate), and a queued request is
 * answered 503 + Retry-After after {@code sync.http.queueTimeout} instead of waiting for its
 * connection's idle timeout. The byte-level idle timeout is a minute, far beyond these waits.
 */
class SlowReaderTest {
  static final long BIG = 64L << 20;

  @TempDir static Path tmp;
  static Nodes.Master master;
  static Vertx client;

  @BeforeAll
  static void start() throws Exception {
    Path ws = Files.createDirectories(tmp.resolve("ws"));
    Trees.write(ws.resolve("spider1"), "ok.txt", "ok\n");
    Trees.sparse(ws, "spider1/big.bin", BIG);
    master = new Nodes.Master(ws, c -> c
        .withHttp(new NodeConfig.Endpoint("127.0.0.1", 0, Duration.ofSeconds(60)))
        .withSync(c.sync()));
    client = Vertx.vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    client.close().await(10, TimeUnit.SECONDS);
    master.close();
  }

  private static void limits(long minRate, Duration queueTimeout) {
    NodeConfig c = master.config.get();
    NodeConfig.Sync s = c.sync();
    master.config.set(c.withSync(new NodeConfig.Sync(s.useGrpc(), s.grpcCacheTtl(), s.grpcChunkSize(), s.ignore(),
        new NodeConfig.HttpLimits(2, 1, 5, minRate, Duration.ofMillis(300), queueTimeout), s.retry(), s.timeout(),
        s.parallelDownloads(), s.compression(), s.watchDestinations(), s.maxManifestBytes(), s.grpc())));
  }

  private static HttpThrottle throttle() {
    return master.node.httpEndpoint().throttle();
  }

  private static void waitFor(String what, BooleanSupplier cond) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!cond.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
    }
  }

  /** A download of the big file that is never read: it holds the only slot. */
  private static Socket stalledDownload() throws Exception {
    waitFor("a free download slot", () -> throttle().inFlight(HttpThrottle.Endpoint.DOWNLOAD) == 0);
    Socket s = new Socket(InetAddress.getLoopbackAddress(), master.httpPort());
    s.setReceiveBufferSize(4096);
    s.getOutputStream().write("GET /api/sync/spider1/download?path=big.bin HTTP/1.1\r\nHost: x\r\n\r\n"
        .getBytes(StandardCharsets.US_ASCII));
    waitFor("the slot to be taken", () -> throttle().inFlight(HttpThrottle.Endpoint.DOWNLOAD) == 1);
    return s;
  }

  /** GET with a 20 s deadline: far below the one-minute idle timeout that used to end the wait. */
  private static HttpClientResponse get(HttpClient http, String uri, StringBuilder body) throws Exception {
    return http.request(new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1")
            .setPort(master.httpPort()).setURI(uri).setIdleTimeout(20_000))
        .compose(req -> req.send())
        .compose(resp -> resp.body().map(b -> {
          body.append(b.toString());
          return resp;
        }))
        .await(30, TimeUnit.SECONDS);
  }

  @Test
  void readerBelowTheMinimumRateLosesItsSlotToAQueuedDownload() throws Exception {
    limits(1024 * 1024, Duration.ofSeconds(60));
    HttpClient http = client.createHttpClient();
    try (Socket stalled = stalledDownload()) {
      StringBuilder body = new StringBuilder();
      HttpClientResponse r = get(http, "/api/sync/spider1/download?path=ok.txt", body);
      assertEquals(200, r.statusCode(), body.toString());
      assertEquals("ok\n", body.toString());
      // the stalled reader's response was cut: what it gets ends well before the whole file
      long got = 0;
      InputStream in = stalled.getInputStream();
      byte[] buf = new byte[64 * 1024];
      try {
        for (int n; (n = in.read(buf)) >= 0; ) {
          got += n;
        }
      } catch (SocketException reset) {
        // a reset is a cut too
      }
      assertTrue(got < BIG, "got " + got + " bytes of " + BIG);
    } finally {
      http.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void queuedRequestIsAnswered503InTime() throws Exception {
    limits(0, Duration.ofMillis(300));
    HttpClient http = client.createHttpClient();
    try (Socket stalled = stalledDownload()) {
      StringBuilder body = new StringBuilder();
      HttpClientResponse r = get(http, "/api/sync/spider1/download?path=ok.txt", body);
      assertEquals(503, r.statusCode(), body.toString());
      assertNotNull(r.getHeader("Retry-After"));
      assertTrue(body.toString().contains("\"error\""), body.toString());
      assertEquals(1, throttle().inFlight(HttpThrottle.Endpoint.DOWNLOAD), "the slow reader still has its slot");
    } finally {
      http.close().await(10, TimeUnit.SECONDS);
    }
  }
}
