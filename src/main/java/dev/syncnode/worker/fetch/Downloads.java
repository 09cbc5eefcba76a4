package dev.syncnode.worker.fetch;

import dev.syncnode.manifest.FileEntry;
import dev.syncnode.manifest.Manifest;
import dev.syncnode.manifest.ManifestDiff;
import dev.syncnode.transport.SyncSource;
import dev.syncnode.transport.TransferSource;
import io.vertx.core.Future;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gets every content a sync needs into {@link Staging}, verified, as cheaply as it can: {@link Reuse}
 * of content the destination already holds, {@link Delta} of a large file whose old version is at the
 * same path, {@link Bulk} streams for small files, {@link Whole} downloads (resuming) for the rest, up
 * to {@code sync.parallelDownloads} at a time. Transports without {@link TransferSource} (HTTP) get
 * whole-file downloads; a delta that fails or does not verify is dropped and the file fetched whole.
 */
public final class Downloads {
  private static final Logger LOG = LoggerFactory.getLogger(Downloads.class);
  /** Files at least this large go alone (delta, resume, parallel); smaller ones go in bulk. */
  static final long LARGE = 1024 * 1024;

  /** Runs an operation on the current transport with retries and the gRPC-to-HTTP fallback. */
  public interface Retrier {
    <T> Future<T> run(String what, Function<SyncSource, Future<T>> op);
  }

  private final Staging staging;
  private final Path dest;
  private final int parallel;
  private final Retrier retry;
  private final Whole whole;
  private final Bulk bulk;
  private final Delta delta;
  /** Set by the first lane that fails: the others finish what they hold and take no more. */
  private Throwable failure;

  public Downloads(Staging staging, Path dest, int parallel, Retrier retry) {
    this.staging = staging;
    this.dest = dest;
    this.parallel = Math.max(1, parallel);
    this.retry = retry;
    this.whole = new Whole(staging);
    this.bulk = new Bulk(staging, whole);
    this.delta = new Delta(staging, dest);
  }

  /** @return verified temp file per content hash */
  public Future<Map<String, Path>> run(ManifestDiff diff, Manifest local) {
    Map<String, FileEntry> needed = new LinkedHashMap<>();
    for (FileEntry f : diff.downloads()) {
      needed.putIfAbsent(f.hash(), f);
    }
    Map<String, FileEntry> localByHash = new HashMap<>();
    Map<String, FileEntry> localByPath = new HashMap<>();
    for (FileEntry e : local.entries()) {
      if (e.isFile()) {
        localByHash.putIfAbsent(e.hash(), e);
        localByPath.put(e.path(), e);
      }
    }
    return staging.blocking(() -> {
          bulk.leftovers(needed.values());
          return Reuse.copy(staging, dest, needed.values(), localByHash);
        })
        .compose(partSizes -> lanes(needed.values(), localByPath, partSizes))
        .map(v -> staging.staged());
  }

  private Future<Void> lanes(Collection<FileEntry> needed, Map<String, FileEntry> localByPath,
      Map<String, Long> partSizes) {
    List<FileEntry> small = new ArrayList<>();
    Deque<FileEntry> large = new ArrayDeque<>();
    for (FileEntry f : needed) {
      if (staging.has(f.hash())) {
        continue;
      }
      if (f.size() >= LARGE || partSizes.getOrDefault(f.hash(), 0L) > 0) {
        large.add(f);
      } else {
        small.add(f);
      }
    }
    Deque<List<FileEntry>> batches = Bulk.batches(small);
    List<Future<Void>> lanes = new ArrayList<>();
    for (int i = 0; i < Math.min(Bulk.LANES, batches.size()); i++) {
      lanes.add(bulkLane(batches, staging.bulkDir(i)));
    }
    for (int i = 0; i < Math.min(parallel, large.size()); i++) {
      lanes.add(largeLane(large, localByPath, partSizes));
    }
    // join, not all: on a failure, wait until no lane writes to the temp area any more
    return Future.join(lanes).transform(ar -> failure != null ? Future.failedFuture(failure)
        : ar.failed() ? Future.failedFuture(ar.cause()) : Future.succeededFuture());
  }

  private <T> Future<T> noteFailure(Future<T> f) {
    return f.onFailure(err -> {
      if (failure == null) {
        failure = err;
      }
    });
  }

  private Future<Void> bulkLane(Deque<List<FileEntry>> batches, Path laneDir) {
    List<FileEntry> batch = failure == null ? batches.poll() : null;
    if (batch == null) {
      return Future.succeededFuture();
    }
    return noteFailure(retry.run("download of " + batch.size() + " files", src -> bulk.fetch(src, batch, laneDir)))
        .compose(v -> bulkLane(batches, laneDir));
  }

  private Future<Void> largeLane(Deque<FileEntry> queue, Map<String, FileEntry> localByPath,
      Map<String, Long> partSizes) {
    FileEntry f = failure == null ? queue.poll() : null;
    if (f == null) {
      return Future.succeededFuture();
    }
    FileEntry old = localByPath.get(f.path());
    boolean[] deltaTried = {old == null || old.size() == 0 || partSizes.getOrDefault(f.hash(), 0L) > 0};
    return noteFailure(retry.run("download of " + f.path(), src -> {
          TransferSource t = src.transfers();
          if (t == null || deltaTried[0]) {
            return wholeFile(src, f);
          }
          deltaTried[0] = true;
          return deltaOrWhole(src, t, f, old);
        }))
        .compose(v -> largeLane(queue, localByPath, partSizes));
  }

  private Future<Void> deltaOrWhole(SyncSource src, TransferSource t, FileEntry f, FileEntry old) {
    return delta.fetch(t, f, old)
        .recover(err -> {
          LOG.info("delta of {} failed ({}); downloading it whole", f.path(), err.getMessage());
          return Future.succeededFuture();
        })
        .compose(p -> {
          if (p == null) {
            return wholeFile(src, f);
          }
          staging.stage(f, p, "delta");
          return Future.succeededFuture();
        });
  }

  private Future<Void> wholeFile(SyncSource src, FileEntry f) {
    return whole.fetch(src, f).map(p -> {
      staging.stage(f, p, "whole");
      return null;
    });
  }
}
