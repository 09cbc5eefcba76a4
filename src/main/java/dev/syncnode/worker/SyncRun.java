package dev.syncnode.worker;

import dev.syncnode.config.NodeConfig;
import dev.syncnode.manifest.FileEntry;
import dev.syncnode.manifest.IgnoreRules;
import dev.syncnode.manifest.Manifest;
import dev.syncnode.manifest.ManifestDiff;
import dev.syncnode.manifest.ManifestValidator;
import dev.syncnode.manifest.PathRules;
import dev.syncnode.manifest.PathViolation;
import dev.syncnode.metrics.SyncMetrics;
import dev.syncnode.scan.FileHasher;
import dev.syncnode.scan.Scanner;
import dev.syncnode.transport.SyncSource;
import dev.syncnode.transport.TransportException;
import dev.syncnode.transport.TransportException.Kind;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One sync of one spider into one destination:
 * fetch manifest (gRPC, falling back to HTTP) -> validate -> scan the local tree -> diff ->
 * download each changed content once into the temp area, verify its SHA-256 -> apply (deletes,
 * dirs, atomic renames, links, modes) -> report. Nothing at a final path changes before every
 * download has been verified, so a failed sync leaves the old copy as it was. Runs on the event
 * loop of the verticle that created it; file-system work goes to worker threads.
 */
public final class SyncRun {
  private static final Logger LOG = LoggerFactory.getLogger(SyncRun.class);
  /** Files downloaded at the same time. */
  public static final int PARALLEL_DOWNLOADS = 4;
  /** Fresh manifests asked for after hash mismatches before a sync gives up. */
  public static final int MAX_RESCANS = 2;

  private final Vertx vertx;
  private final NodeConfig config;
  private final SyncMetrics metrics;
  private final Scanner localScanner;
  private final String spiderId;
  private final Path dest;
  private final Path tmpDir;
  private final SyncSource http;
  private final Progress progress;
  private final Backoff backoff;
  private final AtomicLong bytes = new AtomicLong();
  private SyncSource current;
  private volatile DestinationLock lock;
  private long started;

  /** Receives progress; called on the event loop. */
  public interface Progress {
    Progress NONE = new Progress() {};

    default void planned(long files, long bytes) {}

    default void advanced(long files, long bytes) {}
  }

  public SyncRun(Vertx vertx, NodeConfig config, SyncMetrics metrics, Scanner localScanner, String spiderId,
      Path dest, SyncSource grpc, SyncSource http, Progress progress) {
    this.vertx = vertx;
    this.config = config;
    this.metrics = metrics;
    this.localScanner = localScanner;
    this.spiderId = spiderId;
    this.dest = dest.toAbsolutePath().normalize();
    this.tmpDir = this.dest.resolve(PathRules.RESERVED_DIR).resolve("tmp");
    this.http = http;
    this.current = grpc != null ? grpc : http;
    this.progress = progress == null ? Progress.NONE : progress;
    this.backoff = new Backoff(vertx, config.sync().retry());
  }

  public Future<SyncReport> run() {
    started = System.nanoTime();
    if (current == null) {
      return Future.failedFuture(new TransportException(Kind.INVALID, "no transport configured"));
    }
    try {
      PathRules.requireSpiderId(spiderId);
    } catch (PathViolation e) {
      return Future.failedFuture(new TransportException(Kind.INVALID, e.getMessage()));
    }
    return attempt(MAX_RESCANS)
        .compose(report -> vertx.executeBlocking(() -> {
          cleanTemp(Set.of());
          return report;
        }, false))
        .eventually(this::releaseLock)
        .onSuccess(r -> {
          metrics.syncFinished(spiderId, r.transport(), "success", Duration.ofMillis(r.durationMs()));
          LOG.info("sync {}: transport={} files={} downloaded={} deleted={} bytes={} in {} ms", spiderId,
              r.transport(), r.files(), r.downloaded(), r.deleted(), r.bytes(), r.durationMs());
        })
        .onFailure(err -> {
          metrics.syncFinished(spiderId, current.name(), "failure", Duration.ofNanos(System.nanoTime() - started));
          LOG.warn("sync {} failed over {}: {}", spiderId, current.name(), err.getMessage());
        });
  }

  /**
   * One pass: manifest, validation, local diff, downloads, apply. A download that does not match its
   * manifest hash (the master's file changed after its scan, or while it was streamed) means the
   * manifest is stale: the pass is repeated with a fresh manifest, at most {@code rescans} times.
   * The master drops a cached manifest that contradicts a file it serves, so the next scan is fresh.
   */
  private Future<SyncReport> attempt(int rescans) {
    return withRetry("scan of " + spiderId, src -> src.scan(spiderId, ""))
        .compose(this::validate)
        .compose(remote -> prepareLocal(remote).map(diff -> Map.entry(remote, diff)))
        .compose(pair -> downloadAll(pair.getValue())
            .compose(staged -> applyBlocking(pair.getValue(), staged))
            .map(v -> report(pair.getKey(), pair.getValue())))
        .recover(err -> {
          if (rescans > 0 && TransportException.kindOf(err) == Kind.INTEGRITY) {
            LOG.warn("sync {}: {}; asking the master for a fresh manifest", spiderId, err.getMessage());
            return attempt(rescans - 1);
          }
          return Future.failedFuture(err);
        });
  }

  private Future<Void> releaseLock() {
    DestinationLock held = lock;
    if (held == null) {
      return Future.succeededFuture();
    }
    lock = null;
    return vertx.executeBlocking(() -> {
      held.close();
      return null;
    }, false);
  }

  /** Runs {@code op} on the current transport with retries; a transport failure of gRPC switches to HTTP. */
  private <T> Future<T> withRetry(String what, java.util.function.Function<SyncSource, Future<T>> op) {
    return backoff.run(what, () -> op.apply(current).recover(err -> {
      Kind kind = TransportException.kindOf(err);
      if (kind != null && kind.fallback && "grpc".equals(current.name()) && http != null) {
        LOG.warn("{} failed over gRPC ({}); falling back to HTTP", what, err.getMessage());
        metrics.grpcFallback();
        current = http;
        return op.apply(current);
      }
      return Future.failedFuture(err);
    }));
  }

  private Future<Manifest> validate(Manifest m) {
    try {
      ManifestValidator.validate(m.entries());
      return Future.succeededFuture(m);
    } catch (PathViolation e) {
      return Future.failedFuture(new TransportException(Kind.INVALID, "rejected manifest from master: " + e.getMessage()));
    }
  }

  /** Creates dest and temp area, cleans stale temp files (keeping resumable ones), scans and diffs. */
  private Future<ManifestDiff> prepareLocal(Manifest remote) {
    IgnoreRules ignore = IgnoreRules.of(config.sync().ignore());
    return vertx.executeBlocking(() -> {
      if (lock == null) {
        lock = DestinationLock.acquire(dest); // before the first write; held until the run ends
      }
      try {
        Files.createDirectories(tmpDir);
        Scanner.Result local = localScanner.scan(spiderId, dest, "", ignore);
        ManifestDiff diff = ManifestDiff.compute(remote.entries(), local.manifest().entries());
        Set<String> keep = new HashSet<>();
        for (FileEntry f : diff.downloads()) {
          keep.add(partName(f.hash()));
        }
        cleanTemp(keep);
        return diff;
      } catch (IOException e) {
        throw new TransportException(Kind.LOCAL_IO, "cannot prepare " + dest + ": " + e.getMessage(), e);
      }
    }, false);
  }

  private Future<Map<String, Path>> downloadAll(ManifestDiff diff) {
    Map<String, FileEntry> byHash = new LinkedHashMap<>();
    for (FileEntry f : diff.downloads()) {
      byHash.putIfAbsent(f.hash(), f);
    }
    progress.planned(diff.downloads().size(), diff.downloadBytes());
    Deque<FileEntry> queue = new ArrayDeque<>(byHash.values());
    Map<String, Path> staged = new ConcurrentHashMap<>();
    List<Future<Void>> lanes = new ArrayList<>();
    for (int i = 0; i < Math.min(PARALLEL_DOWNLOADS, queue.size()); i++) {
      lanes.add(lane(queue, staged));
    }
    // join, not all: on a failure wait until every lane has stopped, so no download of this run
    // still writes into the temp area when the next run starts
    return Future.join(lanes).map(staged);
  }

  /** Takes files off the shared queue one after another until it is empty. */
  private Future<Void> lane(Deque<FileEntry> queue, Map<String, Path> staged) {
    FileEntry next = queue.poll();
    if (next == null) {
      return Future.succeededFuture();
    }
    return withRetry("download of " + next.path(), src -> fetchOne(src, next))
        .onFailure(err -> queue.clear()) // one file failed: the sync fails, stop the other lanes
        .compose(p -> {
          staged.put(next.hash(), p);
          progress.advanced(1, next.size());
          return lane(queue, staged);
        });
  }

  /** Downloads one file into {@code <tmp>/<hash>.part}, resuming from what is there, and verifies it. */
  private Future<Path> fetchOne(SyncSource src, FileEntry entry) {
    Path part = tmpDir.resolve(partName(entry.hash()));
    return vertx.executeBlocking(() -> {
          if (entry.size() == 0) {
            Files.write(part, new byte[0]);
          }
          long have = Files.exists(part) ? Files.size(part) : 0L;
          if (have > entry.size()) {
            Files.delete(part); // longer than the file: not a prefix of it
            have = 0;
          }
          if (have > 0 && have < entry.size()) {
            LOG.info("sync {}: resuming {} at byte {} of {}", spiderId, entry.path(), have, entry.size());
          }
          return have;
        }, false)
        .compose(have -> {
          if (have >= entry.size()) {
            return verify(part, entry);
          }
          return vertx.fileSystem().open(part.toString(), new OpenOptions().setWrite(true).setCreate(true))
              .compose(file -> transfer(src, entry, file, have))
              .recover(err -> discardIfCorrupt(part, err))
              .compose(n -> verify(part, entry));
        });
  }

  private Future<Long> transfer(SyncSource src, FileEntry entry, AsyncFile file, long offset) {
    file.setWritePos(offset);
    RecordingWriteStream sink = new RecordingWriteStream(file);
    Promise<Long> done = Promise.promise();
    src.download(spiderId, entry.path(), offset, entry.size(), sink)
        .onComplete(ar -> file.close().onComplete(closed -> {
          // every byte received counts, also those of a failed attempt (bytes re-sent show up)
          long received = Math.max(0, file.getWritePos() - offset);
          bytes.addAndGet(received);
          metrics.bytesReceived(received);
          Throwable io = sink.failure() != null ? sink.failure() : closed.failed() ? closed.cause() : null;
          if (io != null) {
            // a local write failure (disk full, I/O error) wins: retrying the master cannot fix it
            done.fail(new TransportException(Kind.LOCAL_IO,
                "cannot write " + entry.path() + " into " + tmpDir + ": " + io.getMessage(), io));
          } else if (ar.failed()) {
            done.fail(ar.cause());
          } else {
            done.complete(ar.result());
          }
        }));
    return done.future();
  }

  /**
   * After an INTEGRITY failure (the master sent more bytes than the manifest says, or its file has
   * another size now) the bytes in the part cannot be trusted: delete it so the retry starts from
   * zero instead of resuming on top of them. Other failures keep the part for resuming.
   */
  private Future<Long> discardIfCorrupt(Path part, Throwable err) {
    if (TransportException.kindOf(err) != Kind.INTEGRITY) {
      return Future.failedFuture(err);
    }
    return vertx.executeBlocking(() -> {
      Files.deleteIfExists(part);
      return 0L;
    }, false).transform(ar -> Future.failedFuture(err));
  }

  private Future<Path> verify(Path part, FileEntry entry) {
    return vertx.executeBlocking(() -> {
      long size = Files.size(part);
      String hash = size == entry.size() ? FileHasher.sha256(part) : "";
      if (size != entry.size() || !hash.equals(entry.hash())) {
        Files.deleteIfExists(part);
        throw new TransportException(Kind.INTEGRITY, "hash mismatch for " + entry.path() + ": expected "
            + entry.hash() + " (" + entry.size() + " bytes), got " + (hash.isEmpty() ? "?" : hash) + " ("
            + size + " bytes); not installed");
      }
      return part;
    }, false);
  }

  private Future<Void> applyBlocking(ManifestDiff diff, Map<String, Path> staged) {
    return vertx.executeBlocking(() -> {
      try {
        new LocalApplier(dest, tmpDir).apply(diff, staged);
        return null;
      } catch (IOException e) {
        throw new TransportException(Kind.LOCAL_IO, "cannot apply sync to " + dest + ": " + e.getMessage(), e);
      }
    }, false);
  }

  private SyncReport report(Manifest remote, ManifestDiff diff) {
    metrics.filesDownloaded(diff.downloads().size());
    long ms = Duration.ofNanos(System.nanoTime() - started).toMillis();
    return new SyncReport(spiderId, current.name(), remote.fileCount(), diff.downloads().size(),
        diff.deletes().size(), bytes.get(), ms);
  }

  static String partName(String hash) {
    return hash + ".part";
  }

  /**
   * Removes temp files except the named ones (blocking). After a failed sync the partial downloads
   * stay, so the next sync resumes them; it removes whatever it does not need.
   */
  private void cleanTemp(Set<String> keep) throws IOException {
    if (!Files.isDirectory(tmpDir)) {
      return;
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(tmpDir)) {
      for (Path p : ds) {
        if (!keep.contains(p.getFileName().toString())) {
          LocalApplier.deleteRecursively(p);
        }
      }
    }
  }
}
