package dev.syncnode.worker.fetch;

import dev.syncnode.manifest.FileEntry;
import dev.syncnode.transport.SyncSource;
import dev.syncnode.transport.TransferSource;
import dev.syncnode.transport.TransportException.Kind;
import dev.syncnode.transport.TransportException;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.Set;

/**
 * Small files, many per stream ({@code TransferSource.files}), each lane writing into its own
 * directory: creating files concurrently in one directory makes them wait on its lock in the kernel.
 * Transports without transfer calls get the files one by one, {@link Whole}.
 */
final class Bulk {
  static final int BATCH_FILES = 512;
  static final long BATCH_BYTES = 4L * 1024 * 1024;
  static final int LANES = 2;

  private final Staging staging;
  private final Whole whole;

  Bulk(Staging staging, Whole whole) {
    this.staging = staging;
    this.whole = whole;
  }

  static Deque<List<FileEntry>> batches(List<FileEntry> small) {
    Deque<List<FileEntry>> out = new ArrayDeque<>();
    List<FileEntry> cur = new ArrayList<>();
    long bytes = 0;
    for (FileEntry f : small) {
      if (!cur.isEmpty() && (cur.size() >= BATCH_FILES || bytes + f.size() > BATCH_BYTES)) {
        out.add(cur);
        cur = new ArrayList<>();
        bytes = 0;
      }
      cur.add(f);
      bytes += f.size();
    }
    if (!cur.isEmpty()) {
      out.add(cur);
    }
    return out;
  }

  /**
   * Blocking: stages the complete files a failed earlier pass left in the lanes' directories (hashed
   * once, as a resumed file is); the rest there goes. Each directory is listed once.
   */
  void leftovers(Collection<FileEntry> needed) throws IOException {
    for (int lane = 0; lane < LANES; lane++) {
      Path dir = staging.bulkDir(lane);
      Set<String> left = Reuse.names(dir);
      for (FileEntry f : needed) {
        Path file = dir.resolve(Staging.partName(f.hash()));
        if (!left.contains(file.getFileName().toString()) || staging.has(f.hash())
            || !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
          continue;
        }
        StagedFile s = StagedFile.resume(f, file);
        if (!s.full()) {
          s.discard(null);
          continue;
        }
        try {
          staging.stage(f, s.finish(), "bulk");
        } catch (TransportException mismatch) {
          // deleted: fetched again
        }
      }
    }
  }

  /** One batch in one stream; what completed is staged even when the stream fails. */
  Future<Void> fetch(SyncSource src, List<FileEntry> batch, Path laneDir) {
    List<FileEntry> todo = batch.stream().filter(f -> !staging.has(f.hash())).toList();
    if (todo.isEmpty()) {
      return Future.succeededFuture();
    }
    TransferSource t = src.transfers();
    if (t == null) {
      return oneByOne(src, todo, 0);
    }
    List<Path> files = todo.stream().map(f -> laneDir.resolve(Staging.partName(f.hash()))).toList();
    List<StageSink.Slot> slots = new ArrayList<>();
    for (int i = 0; i < todo.size(); i++) {
      slots.add(StageSink.Slot.fresh(todo.get(i), files.get(i)));
    }
    StageSink sink = staging.sink(slots);
    return staging.blocking(() -> Files.createDirectories(laneDir))
        .compose(d -> t.files(staging.spiderId, todo.stream().map(FileEntry::path).toList(), staging.compress, sink))
        .transform(ar -> sink.end().transform(v -> collect(sink, todo, files, ar)));
  }

  private Future<Void> collect(StageSink sink, List<FileEntry> todo, List<Path> files, AsyncResult<Void> call) {
    int ok = 0;
    for (int i = 0; i < todo.size(); i++) {
      if (sink.done(i)) {
        staging.stage(todo.get(i), files.get(i), "bulk");
        ok++;
      }
    }
    if (call.failed()) {
      return Future.failedFuture(call.cause());
    }
    if (sink.failure(null) != null) {
      return Future.failedFuture(sink.failure(null));
    }
    if (ok < todo.size()) {
      return Future.failedFuture(new TransportException(Kind.PROTOCOL,
          "bulk stream ended before " + (todo.size() - ok) + " of its files were complete"));
    }
    return Future.succeededFuture();
  }

  private Future<Void> oneByOne(SyncSource src, List<FileEntry> files, int i) {
    if (i >= files.size()) {
      return Future.succeededFuture();
    }
    FileEntry f = files.get(i);
    return whole.fetch(src, f).compose(p -> {
      staging.stage(f, p, "whole");
      return oneByOne(src, files, i + 1);
    });
  }
}
