package dev.syncnode.worker.fetch;

import dev.syncnode.manifest.FileEntry;
import dev.syncnode.metrics.SyncMetrics;
import dev.syncnode.worker.SyncRun;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongConsumer;

/**
 * The temp area of one sync ({@code <dest>/.syncnode/tmp}) and what the fetch strategies put there:
 * each needed content as {@code <hash>.part} (bulk lanes: {@code bulk-<n>/<hash>.part}), written and
 * verified by {@link StagedFile} through a {@link StageSink}, recorded here with how it came.
 */
public final class Staging {
  /** Bulk lanes write into {@code <tmp>/bulk-<n>/}; verified files there survive a failed pass. */
  static final String BULK_DIR_PREFIX = "bulk-";

  private final Vertx vertx;
  private final Path tmpDir;
  final String spiderId;
  /** {@code sync.compression}: the master may compress pieces. */
  final boolean compress;
  private final LongConsumer received;
  private final SyncRun.Progress progress;
  private final Map<String, Path> staged = new ConcurrentHashMap<>();
  /** How each staged content hash was obtained (a {@link SyncMetrics#TRANSFER_MODES} label). */
  private final Map<String, String> modes = new ConcurrentHashMap<>();

  /** @param received told each payload byte count from the master as it arrives */
  public Staging(Vertx vertx, Path tmpDir, String spiderId, boolean compress, LongConsumer received,
      SyncRun.Progress progress) {
    this.vertx = vertx;
    this.tmpDir = tmpDir;
    this.spiderId = spiderId;
    this.compress = compress;
    this.received = received;
    this.progress = progress;
  }

  public static String partName(String hash) {
    return hash + ".part";
  }

  Path part(FileEntry f) {
    return tmpDir.resolve(partName(f.hash()));
  }

  Path bulkDir(int lane) {
    return tmpDir.resolve(BULK_DIR_PREFIX + lane);
  }

  Path tmpDir() {
    return tmpDir;
  }

  SyncRun.Progress progress() {
    return progress;
  }

  void received(long n) {
    received.accept(n);
  }

  StageSink sink(List<StageSink.Slot> slots) {
    return new StageSink(vertx, slots, received);
  }

  <T> Future<T> blocking(Callable<T> work) {
    return vertx.executeBlocking(work, false);
  }

  /** Records a verified content (the first way it came counts). */
  void stage(FileEntry f, Path file, String mode) {
    modes.putIfAbsent(f.hash(), mode);
    if (staged.putIfAbsent(f.hash(), file) == null) {
      progress.advanced(1, f.size());
    }
  }

  boolean has(String hash) {
    return staged.containsKey(hash);
  }

  /** Verified temp file per content hash. */
  Map<String, Path> staged() {
    return staged;
  }

  /** Contents that came by {@code mode}. */
  public int count(String mode) {
    return (int) modes.values().stream().filter(mode::equals).count();
  }

  /**
   * Counts the installed files by transfer mode, once the sync succeeded: one per path, so the counts
   * add up to the report's {@code downloaded} (paths sharing content count with the mode that content
   * came by; a file finished by an earlier, failed pass counts with the mode of that pass).
   */
  public void countTransfers(List<FileEntry> installed, SyncMetrics metrics) {
    Map<String, Long> byMode = new HashMap<>();
    for (FileEntry f : installed) {
      byMode.merge(modes.getOrDefault(f.hash(), "whole"), 1L, Long::sum);
    }
    byMode.forEach(metrics::filesTransferred);
  }
}
