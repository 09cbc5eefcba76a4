package dev.syncnode.security;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.syncnode.fs.Swaps;
import dev.syncnode.it.RawGrpc;
import dev.syncnode.it.Trees;
import dev.syncnode.manifest.ManifestDigest;
import dev.syncnode.proto.BlockHashesChunk;
import dev.syncnode.proto.BlockHashesRequest;
import dev.syncnode.proto.FileData;
import dev.syncnode.proto.FileDownloadChunk;
import dev.syncnode.proto.FileDownloadRequest;
import dev.syncnode.proto.FilesRequest;
import dev.syncnode.proto.SyncServiceGrpcClient;
import dev.syncnode.transport.http.server.DownloadHooks;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.grpc.common.GrpcStatus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12, items 1, 2 and 4 against a real master: a spider file swapped for a symlink to an outside
 * secret or for a FIFO at the worst moment (just before the open, or between the check and hash and
 * the serving) never yields the secret's bytes or hashes and never blocks a thread: the answer is an
 * error (or the file that was checked), promptly, and the master goes on serving.
 */
class SwappedFileServingTest {
  static final String SECRET = "TOP-SECRET-OUTSIDE-THE-SPIDER";
  static final long BOUND_SECONDS = 10;
  static final java.util.concurrent.atomic.AtomicInteger SPIDERS = new java.util.concurrent.atomic.AtomicInteger();

  @TempDir static Path tmp;
  static Path ws;
  static Path secret;
  static Nodes.Master master;
  static RawGrpc grpc;
  static io.vertx.core.Vertx clientVertx;
  static HttpProbe http;
  Path spider;
  byte[] content;

  @BeforeAll
  static void startMaster() throws Exception {
    ws = Files.createDirectories(tmp.resolve("ws"));
    // larger than the victim: reading the victim's length from it succeeds
    secret = Files.writeString(Files.createDirectories(tmp.resolve("outside")).resolve("secret.txt"),
        (SECRET + "\n").repeat(8));
    Trees.write(ws.resolve("other"), "fine.txt", "still served\n");
    master = new Nodes.Master(ws, c -> c);
    grpc = new RawGrpc(master.node.grpcPort());
    clientVertx = io.vertx.core.Vertx.vertx();
    http = new HttpProbe(clientVertx, master.httpPort());
  }

  @AfterAll
  static void stopMaster() throws Exception {
    http.close();
    dev.syncnode.it.Cluster.await(clientVertx.close());
    grpc.close();
    master.close();
  }

  /** A fresh spider per test (the swaps wreck it): {@code victim.txt}, and {@code alias} linking to it. */
  @BeforeEach
  void freshSpider() throws Exception {
    spider = ws.resolve("s" + SPIDERS.incrementAndGet());
    content = ("x".repeat(SECRET.length() * 2) + "\n").getBytes(StandardCharsets.UTF_8);
    Trees.write(spider, "victim.txt", content);
    Files.createSymbolicLink(spider.resolve("alias"), Path.of("victim.txt"));
  }

  @AfterEach
  void releaseBlocked() {
    Swaps.unblock(victim());
  }

  String id() {
    return spider.getFileName().toString();
  }

  Path victim() {
    return spider.resolve("victim.txt");
  }

  static <T> T bounded(Future<T> f) throws Exception {
    try {
      return f.toCompletionStage().toCompletableFuture().get(BOUND_SECONDS, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("no answer within " + BOUND_SECONDS + " s: the master is blocked", e);
    }
  }

  HttpProbe.Result download(Map<String, String> headers) throws Exception {
    return bounded(http.requestAsync(HttpMethod.GET, "/api/sync/" + id() + "/download?path=victim.txt", headers,
        null));
  }

  RawGrpc.Result<FileDownloadChunk> grpcDownload(String path) throws Exception {
    return bounded(grpc.call(SyncServiceGrpcClient.StreamFileDownload,
        FileDownloadRequest.newBuilder().setSpiderId(id()).setPath(path).build()));
  }

  RawGrpc.Result<FileData> grpcFiles(String... paths) throws Exception {
    return bounded(grpc.call(SyncServiceGrpcClient.StreamFiles,
        FilesRequest.newBuilder().setSpiderId(id()).addAllPaths(List.of(paths)).setNodeKey("race-test").build()));
  }

  RawGrpc.Result<BlockHashesChunk> grpcBlockHashes(String path) throws Exception {
    return bounded(grpc.call(SyncServiceGrpcClient.StreamBlockHashes,
        BlockHashesRequest.newBuilder().setSpiderId(id()).setPath(path).setNodeKey("race-test").build()));
  }

  /** After an attack: another spider, and a download over each transport, are still served. */
  void masterStillServes() throws Exception {
    HttpProbe.Result other = bounded(http.requestAsync(HttpMethod.GET, "/api/sync/other/download?path=fine.txt",
        Map.of(), null));
    assertEquals(200, other.status(), other.toString());
    RawGrpc.Result<FileDownloadChunk> g = bounded(grpc.call(SyncServiceGrpcClient.StreamFileDownload,
        FileDownloadRequest.newBuilder().setSpiderId("other").setPath("fine.txt").build()));
    assertEquals(GrpcStatus.OK, g.status(), g.message());
    assertEquals("still served\n", new String(RawGrpc.bytes(g), StandardCharsets.UTF_8));
  }

  static void assertNoSecret(String where, byte[] bytes) {
    assertFalse(new String(bytes, StandardCharsets.ISO_8859_1).contains(SECRET), "outside bytes served: " + where);
  }

  // ---- HTTP download (item 1) ----

  @Test
  void httpDownloadServesTheCheckedFileEvenIfItsNameIsSwappedForALinkOutAfterTheHash() throws Exception {
    for (Map<String, String> headers : List.of(Map.<String, String>of(),
        Map.of("Range", "bytes=0-" + (SECRET.length() - 1)))) {
      Files.deleteIfExists(victim()); // a link by now: writing through it would change the secret
      Trees.write(spider, "victim.txt", content);
      try (AutoCloseable hook = DownloadHooks.beforeServe(real -> {
        try {
          Swaps.toSymlink(victim(), secret);
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      })) {
        HttpProbe.Result r = download(headers);
        byte[] body = r.body() == null ? new byte[0] : r.body().getBytes();
        assertNoSecret(headers.toString(), body);
        if (r.status() < 400) {
          byte[] want = headers.isEmpty() ? content : Arrays.copyOf(content, SECRET.length());
          assertArrayEquals(want, body, "the checked file's bytes, or an error: " + r);
        } else {
          assertNotNull(new io.vertx.core.json.JsonObject(r.text()).getString("error"), r.toString());
        }
      }
    }
    masterStillServes();
  }

  @Test
  void httpDownloadOfAFileSwappedForAFifoIsAnErrorNotABlockedThread() throws Exception {
    assumeTrue(Swaps.fifosWork(tmp), "mkfifo is not available");
    try (AutoCloseable hook = Swaps.beforeOpen(Swaps.once(victim(), () -> Swaps.toFifo(victim())))) {
      HttpProbe.Result r = download(Map.of());
      assertTrue(r.status() >= 400, r.toString());
      assertNotNull(new io.vertx.core.json.JsonObject(r.text()).getString("error"), r.toString());
    }
    masterStillServes();
  }

  // ---- gRPC pieces (items 2 and 4) ----

  @Test
  void grpcDownloadOfAFileSwappedForAFifoIsAnErrorNotABlockedThread() throws Exception {
    assumeTrue(Swaps.fifosWork(tmp), "mkfifo is not available");
    try (AutoCloseable hook = Swaps.beforeOpen(Swaps.once(victim(), () -> Swaps.toFifo(victim())))) {
      RawGrpc.Result<FileDownloadChunk> r = grpcDownload("victim.txt");
      assertNotEquals(GrpcStatus.OK, r.status(), r.message());
    }
    masterStillServes();
  }

  @Test
  void grpcFilesWithAFileSwappedForAFifoIsAnErrorNotABlockedThread() throws Exception {
    assumeTrue(Swaps.fifosWork(tmp), "mkfifo is not available");
    try (AutoCloseable hook = Swaps.beforeOpen(Swaps.once(victim(), () -> Swaps.toFifo(victim())))) {
      RawGrpc.Result<FileData> r = grpcFiles("victim.txt");
      assertNotEquals(GrpcStatus.OK, r.status(), r.message());
    }
    masterStillServes();
  }

  @Test
  void grpcSlowPathNeverServesALinkSwappedInAfterTheRealPathCheck() throws Exception {
    // "alias" is a symlink: the full check resolves it to victim.txt, which is then swapped for a link out
    try (AutoCloseable hook = Swaps.beforeOpen(Swaps.once(victim(), () -> Swaps.toSymlink(victim(), secret)))) {
      RawGrpc.Result<FileDownloadChunk> r = grpcDownload("alias");
      assertNoSecret("StreamFileDownload", RawGrpc.bytes(r));
      assertNotEquals(GrpcStatus.OK, r.status(), r.message());
    }
    Files.delete(victim());
    Trees.write(spider, "victim.txt", content);
    try (AutoCloseable hook = Swaps.beforeOpen(Swaps.once(victim(), () -> Swaps.toSymlink(victim(), secret)))) {
      RawGrpc.Result<FileData> r = grpcFiles("alias");
      for (FileData d : r.messages()) {
        assertNoSecret("StreamFiles", d.getData().toByteArray());
      }
      assertNotEquals(GrpcStatus.OK, r.status(), r.message());
    }
    masterStillServes();
  }

  // ---- block hashes (item 4) ----

  @Test
  void blockHashesNeverDescribeALinkSwappedInAfterTheCheck() throws Exception {
    byte[] outside = Files.readAllBytes(secret);
    String secretHash = HexFormat.of().formatHex(ManifestDigest.sha256().digest(outside));
    try (AutoCloseable hook = Swaps.beforeOpen(Swaps.once(victim(), () -> Swaps.toSymlink(victim(), secret)))) {
      RawGrpc.Result<BlockHashesChunk> r = grpcBlockHashes("victim.txt");
      for (BlockHashesChunk c : r.messages()) {
        assertNotEquals(secretHash, c.getFileHash(), "the outside file's hash");
        assertNotEquals(outside.length, c.getFileSize(), "the outside file's size");
      }
      assertNotEquals(GrpcStatus.OK, r.status(), r.message());
    }
    masterStillServes();
  }

  @Test
  void blockHashesOfAFileSwappedForAFifoAreAnErrorNotABlockedThread() throws Exception {
    assumeTrue(Swaps.fifosWork(tmp), "mkfifo is not available");
    try (AutoCloseable hook = Swaps.beforeOpen(Swaps.once(victim(), () -> Swaps.toFifo(victim())))) {
      RawGrpc.Result<BlockHashesChunk> r = grpcBlockHashes("victim.txt");
      assertNotEquals(GrpcStatus.OK, r.status(), r.message());
    }
    masterStillServes();
  }
}
