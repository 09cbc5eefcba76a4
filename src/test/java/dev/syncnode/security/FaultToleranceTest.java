package dev.syncnode.security;

import static dev.syncnode.it.Cluster.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.syncnode.config.NodeConfig;
import dev.syncnode.fs.Scanner;
import dev.syncnode.it.Trees;
import dev.syncnode.manifest.Manifest;
import dev.syncnode.metrics.SyncMetrics;
import dev.syncnode.transport.SyncSource;
import dev.syncnode.transport.grpc.client.GrpcSyncSource;
import dev.syncnode.worker.SyncReport;
import dev.syncnode.worker.SyncRun;
import dev.syncnode.worker.apply.DestinationWatch;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults during a sync: the master's file rewritten after its scan or while it streams, a worker
 * killed mid-sync (its temp area left full of partial and foreign files), the worker's disk full or
 * its temp area unusable. The worker never installs a mismatched or partial file and its old copy
 * survives every failure.
 */
class FaultToleranceTest {
  @TempDir Path tmp;
  Path workspace;
  Path spider;
  Nodes.Master master;
  Nodes.Worker worker;

  @BeforeEach
  void setUp() throws Exception {
    workspace = Files.createDirectories(tmp.resolve("master"));
    spider = Files.createDirectories(workspace.resolve("spider1"));
    Trees.write(spider, "small.txt", "small\n");
    Files.write(spider.resolve("a.bin"), Trees.random(1, 1 << 20));
    Files.write(spider.resolve("b.bin"), Trees.random(2, 2 << 20));
    // a long TTL: a stale cached manifest would be served for the whole test unless the master notices
    // and no scans before requests: the test counts the scans a stale manifest causes
    master = new Nodes.Master(workspace, c -> {
      NodeConfig longTtl = Nodes.withTtl(c, Duration.ofMinutes(10));
      return longTtl.withSync(longTtl.sync().withPrescan(false));
    });
    worker = new Nodes.Worker(Nodes.worker(master.grpc(), ""));
  }

  @AfterEach
  void tearDown() throws Exception {
    worker.close();
    master.close();
  }

  /** Rewrites a master file in place (same inode) with new content and a clearly different mtime. */
  static void rewrite(Path file, byte[] content) throws Exception {
    Files.write(file, content);
    Files.setLastModifiedTime(file, FileTime.fromMillis(Files.getLastModifiedTime(file).toMillis() + 5_000));
  }

  /** Syncs into dest, then rewrites one master file and drops the cached manifest; returns the copy as it was. */
  Map<String, String> syncThenRewrite(Path dest, String rel, byte[] content) throws Exception {
    worker.sync("spider1", dest);
    Map<String, String> before = Trees.describe(dest);
    rewrite(spider.resolve(rel), content);
    await(master.vertx.eventBus().request(dev.syncnode.bus.Addresses.CACHE_INVALIDATE, "spider1"));
    return before;
  }

  @Test
  void fileRewrittenAfterTheScanIsFetchedAgainWithAFreshManifest() throws Exception {
    Path first = tmp.resolve("w1");
    worker.sync("spider1", first);
    assertEquals(1.0, master.metrics.scansTotal());

    byte[] fresh = Trees.random(99, 1 << 20);
    rewrite(spider.resolve("a.bin"), fresh); // the cached manifest still has the old hash

    Path second = tmp.resolve("w2");
    SyncReport r = worker.sync("spider1", second);
    assertArrayEquals(fresh, Files.readAllBytes(second.resolve("a.bin")));
    assertEquals(Trees.describe(spider), Trees.describe(second));
    assertEquals(2.0, master.metrics.scansTotal(), "one fresh scan after the mismatch");
    assertEquals(3, r.files());

    worker.sync("spider1", first);
    assertEquals(Trees.describe(spider), Trees.describe(first));
  }

  @Test
  void fileRewrittenWhileItStreamsIsNeverKept() throws Exception {
    Path big = spider.resolve("big.bin");
    Files.write(big, Trees.random(3, 16 << 20));
    byte[] fresh = Trees.random(4, 16 << 20);
    Path dest = tmp.resolve("w");
    NodeConfig c = worker.config.get();
    GrpcSyncSource grpc = new GrpcSyncSource(worker.vertx, master.grpc(), "", "w", Duration.ofMinutes(1),
        Duration.ofMinutes(1), null, NodeConfig.Sync.DEFAULT_MAX_MANIFEST_BYTES);
    AtomicBoolean rewritten = new AtomicBoolean();
    // pauses the first download of big.bin after its first chunk, rewrites the master's file, resumes
    SyncSource source = new PausingSource(worker.vertx, grpc, "big.bin", () -> {
      if (rewritten.compareAndSet(false, true)) {
        rewrite(big, fresh);
      }
    });
    Promise<SyncReport> done = Promise.promise();
    try (DestinationWatch watch = DestinationWatch.open()) {
      SyncRun run = new SyncRun(worker.vertx, c, SyncMetrics.standalone(), new Scanner(), "spider1", dest, source,
          null, SyncRun.Progress.NONE, watch);
      worker.vertx.getOrCreateContext().runOnContext(v -> run.run().onComplete(done));
      await(done.future());
    }

    assertTrue(rewritten.get());
    assertArrayEquals(fresh, Files.readAllBytes(dest.resolve("big.bin")), "the worker holds the new content");
    assertEquals(Trees.describe(spider), Trees.describe(dest));
    assertEquals(2.0, master.metrics.scansTotal(), "the stale manifest was dropped and the spider scanned again");
    try (Stream<Path> left = Files.list(dest.resolve(".syncnode/tmp"))) {
      assertEquals(0, left.count(), "no temp file left behind");
    }
    await(grpc.close());
  }

  @Test
  void workerKilledMidSyncCleansItsTempAreaAndResumes() throws Exception {
    Path dest = tmp.resolve("w");
    Path tmpArea = Files.createDirectories(dest.resolve(".syncnode/tmp"));
    byte[] a = Files.readAllBytes(spider.resolve("a.bin"));
    byte[] b = Files.readAllBytes(spider.resolve("b.bin"));
    // what a worker killed in the middle of a sync leaves behind
    Files.write(tmpArea.resolve(Trees.sha256(spider.resolve("a.bin")) + ".part"),
        java.util.Arrays.copyOf(a, a.length / 2)); // a good prefix: resumed
    Files.write(tmpArea.resolve(Trees.sha256(spider.resolve("b.bin")) + ".part"),
        Trees.random(7, b.length / 2)); // a corrupt prefix: detected, thrown away, fetched again
    Files.write(tmpArea.resolve("0".repeat(64) + ".part"), Trees.random(8, 1000)); // for a file no longer wanted
    Files.write(tmpArea.resolve("garbage"), Trees.random(9, 1000));
    Trees.write(tmpArea, "stale.copy/x", "junk");
    Files.createSymbolicLink(tmpArea.resolve("0123.lnk"), Path.of("/etc/passwd"));

    SyncReport r = worker.sync("spider1", dest);
    assertEquals(Trees.describe(spider), Trees.describe(dest));
    try (Stream<Path> left = Files.list(tmpArea)) {
      assertEquals(0, left.count(), "the temp area is clean");
    }
    long small = Files.size(spider.resolve("small.txt"));
    assertEquals(a.length / 2 + b.length / 2 + b.length + small, r.bytes(),
        "a.bin resumed from its prefix; b.bin's corrupt prefix cost its resumed half and one full download");
  }

  @Test
  void diskFullFailsCleanlyAndKeepsTheOldCopy() throws Exception {
    Path devFull = Path.of("/dev/full");
    assumeTrue(Files.isWritable(devFull), "needs /dev/full");
    Path dest = tmp.resolve("w");
    byte[] fresh = Trees.random(11, 2 << 20);
    Map<String, String> before = syncThenRewrite(dest, "b.bin", fresh);
    // every write into the temp file now fails with ENOSPC, as on a full disk
    Path part = dest.resolve(".syncnode/tmp/" + FakeMaster.sha256(fresh) + ".part");
    Files.createSymbolicLink(part, devFull);

    String error = worker.failure("spider1", dest);
    assertTrue(error.contains("No space left on device"), error);
    assertEquals(before, Trees.describe(dest), "the old copy is intact");
    // partial downloads are not kept on a full disk (the link to /dev/full was one of them)
    try (Stream<Path> left = Files.list(dest.resolve(".syncnode/tmp"))) {
      assertEquals(List.of(), left.toList(), "the temp area is emptied after ENOSPC");
    }

    worker.sync("spider1", dest);
    assertEquals(Trees.describe(spider), Trees.describe(dest));
  }

  @Test
  void unusableTempAreaFailsCleanlyAndKeepsTheOldCopy() throws Exception {
    Path dest = tmp.resolve("w");
    Map<String, String> before = syncThenRewrite(dest, "small.txt", "changed\n".getBytes());
    dev.syncnode.worker.apply.LocalApplier.deleteRecursively(dest.resolve(".syncnode"));
    Files.writeString(dest.resolve(".syncnode"), "not a directory");

    String error = worker.failure("spider1", dest);
    assertTrue(error.contains("cannot prepare"), error);
    assertEquals(before, Trees.describe(dest));
    assertEquals("not a directory", Files.readString(dest.resolve(".syncnode")));
  }

  @Test
  void aSecondWriterOfTheSameDestinationIsRefused() throws Exception {
    Path dest = tmp.resolve("w");
    Map<String, String> before = syncThenRewrite(dest, "small.txt", "changed\n".getBytes());
    // another process (here: this test) is syncing into dest
    try (dev.syncnode.worker.apply.DestinationLock other = dev.syncnode.worker.apply.DestinationLock.acquire(dest)) {
      String error = worker.failure("spider1", dest);
      assertTrue(error.contains("another sync is writing"), error);
      assertEquals(before, Trees.describe(dest));
    }
    worker.sync("spider1", dest);
    assertEquals(Trees.describe(spider), Trees.describe(dest));
  }

  /** Delegates to a real source; on the first chunk of one file it holds the stream while a blocking action runs. */
  static final class PausingSource implements SyncSource {
    interface Action {
      void run() throws Exception;
    }

    private final Vertx vertx;
    private final SyncSource inner;
    private final String path;
    private final Action action;

    PausingSource(Vertx vertx, SyncSource inner, String path, Action action) {
      this.vertx = vertx;
      this.inner = inner;
      this.path = path;
      this.action = action;
    }

    @Override
    public String name() {
      return inner.name();
    }

    @Override
    public Future<Manifest> scan(String spiderId, String p) {
      return inner.scan(spiderId, p);
    }

    @Override
    public Future<Long> download(String spiderId, String p, long offset, long expectedSize, WriteStream<Buffer> sink) {
      if (!p.equals(path)) {
        return inner.download(spiderId, p, offset, expectedSize, sink);
      }
      return inner.download(spiderId, p, offset, expectedSize, new WriteStream<>() {
        boolean started;
        boolean held;
        Handler<Void> drain;

        @Override
        public Future<Void> write(Buffer data) {
          if (!started) {
            started = true;
            held = true;
            vertx.executeBlocking(() -> {
              action.run();
              return null;
            }, false).onComplete(ar -> {
              held = false;
              Handler<Void> d = drain;
              if (d != null) {
                drain = null;
                d.handle(null);
              }
            });
          }
          return sink.write(data);
        }

        @Override
        public boolean writeQueueFull() {
          return held || sink.writeQueueFull();
        }

        @Override
        public WriteStream<Buffer> drainHandler(Handler<Void> handler) {
          drain = handler;
          // the file's own drain must not resume the stream while the action holds it
          sink.drainHandler(handler == null ? null : v -> {
            if (!held) {
              handler.handle(null);
            }
          });
          return this;
        }

        @Override
        public WriteStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
          sink.exceptionHandler(handler);
          return this;
        }

        @Override
        public Future<Void> end() {
          return sink.end();
        }

        @Override
        public WriteStream<Buffer> setWriteQueueMaxSize(int maxSize) {
          sink.setWriteQueueMaxSize(maxSize);
          return this;
        }
      });
    }

    @Override
    public Future<Void> close() {
      return inner.close();
    }
  }
}
