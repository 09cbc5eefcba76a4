package dev.syncnode.worker.fetch;

import dev.syncnode.manifest.FileEntry;
import dev.syncnode.worker.FakeSource;
import dev.syncnode.worker.SyncRun;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/** A temp area, a destination, a real Vert.x and an in-memory master for the fetch strategies' tests. */
final class FetchFixture implements AutoCloseable {
  final Vertx vertx = Vertx.vertx();
  final Path dest;
  final Path tmpDir;
  final FakeSource master;
  final AtomicLong received = new AtomicLong();
  final Staging staging;

  FetchFixture(Path root) throws IOException {
    dest = Files.createDirectories(root.resolve("dest"));
    tmpDir = Files.createDirectories(dest.resolve(".syncnode/tmp"));
    master = new FakeSource(vertx, "s1", root);
    staging = new Staging(vertx, tmpDir, "s1", true, received::addAndGet, SyncRun.Progress.NONE);
  }

  <T> T run(Supplier<Future<T>> op) throws Exception {
    return FakeSource.onLoop(vertx, op);
  }

  FileEntry entry(String path) {
    return master.entry(path);
  }

  /** Names left in the temp area (one level). */
  java.util.Set<String> temps() throws IOException {
    try (var s = Files.list(tmpDir)) {
      return s.map(p -> p.getFileName().toString()).collect(java.util.stream.Collectors.toSet());
    }
  }

  @Override
  public void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get();
  }
}
