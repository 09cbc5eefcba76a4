package dev.syncnode.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.syncnode.config.NodeConfig;
import dev.syncnode.delta.BlockIndex;
import dev.syncnode.it.Trees;
import dev.syncnode.proto.BlockHashesChunk;
import dev.syncnode.proto.BlockHashesRequest;
import dev.syncnode.proto.FileDownloadRequest;
import dev.syncnode.transport.grpc.server.GrpcEndpointVerticle;
import dev.syncnode.worker.SyncReport;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientConnection;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpConnectOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * gRPC download streams whose clients never read (issue 12, item 3): what the master holds for them
 * stays within {@code sync.grpc.sendBudget}, stalled streams are cancelled after
 * {@code sync.grpc.stallTimeout}, streams beyond {@code sync.grpc.maxStreams} get RESOURCE_EXHAUSTED,
 * and another worker's sync succeeds meanwhile.
 */
class GrpcMemoryTest {
  static final long BUDGET = 6L << 20;
  static final int FILES = 6;

  @TempDir static Path tmp;
  static Nodes.Master master;
  static Vertx client;

  @BeforeAll
  static void start() throws Exception {
    Path ws = Files.createDirectories(tmp.resolve("ws"));
    for (int i = 0; i < FILES; i++) {
      Trees.sparse(ws, "big/f" + i + ".bin", 16L << 20);
    }
    Trees.write(ws.resolve("small"), "a.txt", "a\n");
    Trees.write(ws.resolve("small"), "b/c.txt", "c\n");
    master = new Nodes.Master(ws, c -> c.withSync(c.sync().withGrpc(
        new NodeConfig.GrpcLimits(200, BUDGET, Duration.ofMillis(1500)))));
    client = Vertx.vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    client.close().await(10, TimeUnit.SECONDS);
    master.close();
  }

  private static GrpcEndpointVerticle grpc() {
    return master.node.grpcEndpoint();
  }

  /** An HTTP/2 connection with a tiny flow-control window, for streams that never read. */
  private static HttpClientConnection stallingConnection(HttpClientAgent http) throws Exception {
    return http.connect(new HttpConnectOptions().setHost("127.0.0.1").setPort(master.node.grpcPort()))
        .await(10, TimeUnit.SECONDS);
  }

  /** Starts a download of {@code path} and never reads it; the future completes when the stream ends. */
  private static Future<Void> stalledDownload(HttpClientConnection conn, String path, Promise<String> status) {
    byte[] msg = FileDownloadRequest.newBuilder().setSpiderId("big").setPath(path).build().toByteArray();
    Buffer body = Buffer.buffer().appendByte((byte) 0).appendInt(msg.length).appendBytes(msg);
    return conn.request(new RequestOptions().setMethod(HttpMethod.POST)
            .setURI("/syncnode.v1.SyncService/StreamFileDownload")
            .putHeader("content-type", "application/grpc").putHeader("te", "trailers"))
        .compose(req -> req.send(body))
        .compose(resp -> {
          Promise<Void> ended = Promise.promise();
          status.tryComplete(String.valueOf(resp.getHeader("grpc-status")));
          resp.pause(); // never read: the window stays closed
          resp.exceptionHandler(ended::tryFail);
          resp.endHandler(v -> ended.tryComplete());
          return ended.future();
        });
  }

  private static HttpClientAgent stallingClient() {
    return client.httpClientBuilder()
        .with(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false)
            .setInitialSettings(new Http2Settings().setInitialWindowSize(1024)))
        .build();
  }

  private static void waitFor(String what, BooleanSupplier cond) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!cond.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
    }
  }

  @Test
  void streamsThatNeverReadHoldAtMostTheBudgetAndOthersStillSync() throws Exception {
    HttpClientAgent http = stallingClient();
    Nodes.Worker worker = new Nodes.Worker(Nodes.worker(master.grpc(), ""));
    try {
      List<Future<Void>> attack = new ArrayList<>();
      for (int c = 0; c < 3; c++) {
        HttpClientConnection conn = stallingConnection(http);
        for (int s = 0; s < 10; s++) {
          attack.add(stalledDownload(conn, "f" + ((c * 10 + s) % FILES) + ".bin", Promise.promise()));
        }
      }
      waitFor("the budget to fill", () -> grpc().sendBytesHeld() >= BUDGET - (2L << 20));

      SyncReport r = worker.sync("small", tmp.resolve("dest-small"));
      assertEquals(2, r.files(), r.toString());
      assertEquals("c\n", Files.readString(tmp.resolve("dest-small/b/c.txt")));

      // every stalled stream is cancelled in the end, and nothing stays held
      for (Future<Void> f : attack) {
        Future<Void> ended = f.transform(ar -> Future.<Void>succeededFuture());
        ended.await(30, TimeUnit.SECONDS);
        assertTrue(f.failed(), "a stalled stream is reset, not completed");
      }
      waitFor("the budget to be returned", () -> grpc().sendBytesHeld() == 0 && grpc().downloadStreams() == 0);
      assertTrue(grpc().sendBytesPeak() <= BUDGET,
          "held " + grpc().sendBytesPeak() + " bytes at most, budget " + BUDGET);
    } finally {
      worker.close();
      http.close().await(10, TimeUnit.SECONDS);
    }
  }

  /**
   * With a long stall timeout, stalled streams that hold the whole budget lose it as soon as another
   * stream waits for some, so an honest sync is not held up for the stall timeout (its one attempt
   * here has a timeout far below it).
   */
  @Test
  void stalledStreamsGiveWayToStreamsWaitingForBudget() throws Exception {
    NodeConfig before = master.config.get();
    master.config.set(before.withSync(before.sync().withGrpc(new NodeConfig.GrpcLimits(200, BUDGET,
        Duration.ofMinutes(10)))));
    HttpClientAgent http = stallingClient();
    NodeConfig w = Nodes.worker(master.grpc(), "");
    Nodes.Worker worker = new Nodes.Worker(w.withSync(Nodes.sync(w.sync(), 1, Duration.ofMillis(5), Duration.ofMillis(5),
        Duration.ofSeconds(20))));
    try {
      HttpClientConnection conn = stallingConnection(http);
      for (int s = 0; s < 6; s++) {
        stalledDownload(conn, "f" + s + ".bin", Promise.promise());
      }
      waitFor("the budget to fill", () -> grpc().sendBytesHeld() >= BUDGET - (2L << 20));

      SyncReport r = worker.sync("small", tmp.resolve("dest-contended"));
      assertEquals(2, r.files(), r.toString());
      assertEquals("c\n", Files.readString(tmp.resolve("dest-contended/b/c.txt")));
    } finally {
      master.config.set(before);
      worker.close();
      http.close().await(10, TimeUnit.SECONDS);
      waitFor("the budget to be returned", () -> grpc().sendBytesHeld() == 0 && grpc().downloadStreams() == 0);
    }
  }

  /**
   * Never-reading streams that take every slot lose them once a stream is refused for want of one, so
   * a retrying honest sync gets in long before the stall timeout (each attempt's timeout is far below it).
   */
  @Test
  void stalledStreamsGiveWayToStreamsRefusedForWantOfASlot() throws Exception {
    NodeConfig before = master.config.get();
    master.config.set(before.withSync(before.sync().withGrpc(new NodeConfig.GrpcLimits(FILES, 64L << 20,
        Duration.ofMinutes(10), FILES))));
    HttpClientAgent http = stallingClient();
    NodeConfig w = Nodes.worker(master.grpc(), "");
    Nodes.Worker worker = new Nodes.Worker(w.withSync(Nodes.sync(w.sync(), 12, Duration.ofMillis(500),
        Duration.ofSeconds(2), Duration.ofSeconds(20))));
    try {
      HttpClientConnection conn = stallingConnection(http);
      for (int s = 0; s < FILES; s++) {
        stalledDownload(conn, "f" + s + ".bin", Promise.promise());
      }
      waitFor("every slot taken", () -> grpc().downloadStreams() == FILES);

      SyncReport r = worker.sync("small", tmp.resolve("dest-slots"));
      assertEquals(2, r.files(), r.toString());
      assertEquals("c\n", Files.readString(tmp.resolve("dest-slots/b/c.txt")));
    } finally {
      master.config.set(before);
      worker.close();
      http.close().await(10, TimeUnit.SECONDS);
      waitFor("the budget to be returned", () -> grpc().sendBytesHeld() == 0 && grpc().downloadStreams() == 0);
    }
  }

  /** The status and chunks of one {@code StreamBlockHashes} call, read to the end. */
  private record Hashes(String status, List<BlockHashesChunk> chunks) {}

  private static Future<Hashes> blockHashes(HttpClientConnection conn, String path) {
    byte[] msg = BlockHashesRequest.newBuilder().setSpiderId("big").setPath(path).build().toByteArray();
    Buffer body = Buffer.buffer().appendByte((byte) 0).appendInt(msg.length).appendBytes(msg);
    return conn.request(new RequestOptions().setMethod(HttpMethod.POST)
            .setURI("/syncnode.v1.SyncService/StreamBlockHashes")
            .putHeader("content-type", "application/grpc").putHeader("te", "trailers"))
        .compose(req -> req.send(body))
        .compose(resp -> resp.body().map(b -> {
          String status = resp.getHeader("grpc-status") != null ? resp.getHeader("grpc-status")
              : resp.getTrailer("grpc-status");
          List<BlockHashesChunk> chunks = new ArrayList<>();
          for (int at = 0; at + 5 <= b.length(); ) {
            int len = b.getInt(at + 1);
            try {
              chunks.add(BlockHashesChunk.parseFrom(b.getBytes(at + 5, at + 5 + len)));
            } catch (com.google.protobuf.InvalidProtocolBufferException e) {
              throw new IllegalStateException(e);
            }
            at += 5 + len;
          }
          return new Hashes(status, chunks);
        }));
  }

  /**
   * Many block-hash requests at once from one client: a few are admitted (the rest get
   * RESOURCE_EXHAUSTED), at most two computations run at once, and the admitted get correct hashes.
   */
  @Test
  void blockHashComputationsAreBoundedInTotalAndPerClient() throws Exception {
    HttpClientAgent http = stallingClient();
    try {
      HttpClientConnection conn = stallingConnection(http);
      List<Future<Hashes>> calls = new ArrayList<>();
      for (int i = 0; i < FILES; i++) {
        calls.add(blockHashes(conn, "f" + i + ".bin"));
      }
      int refused = 0;
      for (int i = 0; i < FILES; i++) {
        Hashes h = calls.get(i).await(30, TimeUnit.SECONDS);
        if ("8".equals(h.status())) {
          refused++;
          continue;
        }
        assertEquals("0", h.status(), "f" + i);
        BlockIndex want = BlockIndex.compute(tmp.resolve("ws/big/f" + i + ".bin"), true);
        BlockHashesChunk c = h.chunks().get(0);
        assertEquals(want.fileHash(), c.getFileHash());
        assertEquals(want.groupCount(), c.getGroupHashesCount());
        for (int g = 0; g < want.groupCount(); g++) {
          assertEquals(want.groupHash(g), c.getGroupHashes(g));
        }
      }
      assertTrue(refused > 0, "requests beyond the per-client limit are refused");
      int peak = master.node.contentVerticle().blockIndexPeak();
      assertTrue(peak <= 2, "at most 2 computations at once, saw " + peak);
    } finally {
      http.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void streamsBeyondTheLimitAreRefused() throws Exception {
    NodeConfig before = master.config.get();
    master.config.set(before.withSync(before.sync().withGrpc(new NodeConfig.GrpcLimits(1, BUDGET,
        Duration.ofSeconds(30)))));
    HttpClientAgent http = stallingClient();
    try {
      HttpClientConnection conn = stallingConnection(http);
      stalledDownload(conn, "f0.bin", Promise.promise());
      waitFor("one stream served", () -> grpc().downloadStreams() == 1);
      Promise<String> status = Promise.promise();
      stalledDownload(conn, "f1.bin", status);
      assertEquals("8", status.future().await(10, TimeUnit.SECONDS), "RESOURCE_EXHAUSTED");
      // room in total, but not for a second stream from the same address
      master.config.set(before.withSync(before.sync().withGrpc(new NodeConfig.GrpcLimits(10, BUDGET,
          Duration.ofSeconds(30), 1))));
      Promise<String> perClient = Promise.promise();
      stalledDownload(conn, "f2.bin", perClient);
      assertEquals("8", perClient.future().await(10, TimeUnit.SECONDS), "RESOURCE_EXHAUSTED per client");
    } finally {
      master.config.set(before);
      http.close().await(10, TimeUnit.SECONDS);
    }
  }
}
