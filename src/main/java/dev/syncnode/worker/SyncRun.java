package dev.syncnode.worker;
import dev.syncnode.config.NodeConfig;
import dev.syncnode.fs.FileHasher;
import dev.syncnode.fs.Scanner;
import dev.syncnode.fs.WorkspaceMark;
import dev.syncnode.manifest.FileEntry;
import dev.syncnode.manifest.IgnoreRules;
import dev.syncnode.manifest.Manifest;
import dev.syncnode.manifest.ManifestDiff;
import dev.syncnode.manifest.ManifestValidator;
import dev.syncnode.manifest.PathRules;
import dev.syncnode.manifest.PathViolation;
import dev.syncnode.metrics.SyncMetrics;
import dev.syncnode.transport.ScanResult;
import dev.syncnode.transport.SyncSource;
import dev.syncnode.transport.TransportException.Kind;
import dev.syncnode.transport.TransportException;
import dev.syncnode.worker.apply.DeletePlan;
import dev.syncnode.worker.apply.DestinationLock;
import dev.syncnode.worker.apply.DestinationWatch;
import dev.syncnode.worker.apply.InstalledSet;
import dev.syncnode.worker.apply.LocalApplier;
import dev.syncnode.worker.apply.LocalState;
import dev.syncnode.worker.fetch.Downloads;
import dev.syncnode.worker.fetch.Partials;
import dev.syncnode.worker.fetch.RecordingWriteStream;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
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
  private final DestinationWatch watch;
  private final AtomicLong bytes = new AtomicLong();
  private SyncSource current;
  private volatile DestinationLock lock;
  private Downloads downloads;
  private long started;
  private long lastPhase;
  private final StringBuilder phases = new StringBuilder();
  /** The master answered that it has no such spider (deleted there, or never there). */
  private boolean spiderUnknown;
  /** Why gRPC failed when the run fell back to HTTP: a failure over HTTP then names both. */
  private String grpcFailure;
  /** The state found when the run started (null: none), for what earlier syncs installed. */
  private LocalState.State stored;
  /** Entries the apply left in place although the master does not have them. */
  private long kept;
  /** Entries the apply removed. */
  private long deleted;

  /** Receives progress; called on the event loop. */
  public interface Progress {
    Progress NONE = new Progress() {};

    default void planned(long files, long bytes) {}

    default void advanced(long files, long bytes) {}

    /**
     * Bytes of files still in transfer: received now, or found on disk when a download resumes.
     * Counted towards {@link #advanced}'s bytes once their file is done.
     */
    default void partial(long bytes) {}
  }

  public SyncRun(Vertx vertx, NodeConfig config, SyncMetrics metrics, Scanner localScanner, String spiderId,
      Path dest, SyncSource grpc, SyncSource http, Progress progress, DestinationWatch watch) {
    this.watch = watch;
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
    IgnoreRules ignore = IgnoreRules.of(config.sync().ignore());
    return vertx.executeBlocking(() -> LocalState.read(dest), false)
        .otherwise(err -> null)
        .compose(stored -> {
          this.stored = stored;
          String known = stored != null && spiderId.equals(stored.spiderId()) ? stored.digest() : null;
          // the check of the local tree (the watch's barrier, else a stat-only walk) runs while the master answers
          Future<LocalState.State> verified = known == null ? Future.succeededFuture()
              : vertx.executeBlocking(() -> watching() && watch.unchanged(dest, stored, ignore)
                  ? stored : LocalState.current(dest, spiderId, ignore), false).otherwise(err -> null);
          Future<ScanResult> scan = scan(known);
          return Future.join(verified, scan).transform(done -> {
            if (scan.failed()) {
              return Future.failedFuture(scan.cause());
            }
            ScanResult result = scan.result();
            logSkipped(result);
            if (!result.unchanged()) {
              return attempt(result.manifest(), MAX_RESCANS);
            }
            LocalState.State state = verified.result();
            if (state != null && result.digest().equals(state.digest())) {
              return Future.succeededFuture(unchangedReport(state).withSkipped(result.skippedTotal()));
            }
            LOG.info("sync {}: the local tree changed since the last sync; asking for the full list", spiderId);
            return fullScan().compose(m -> attempt(m, MAX_RESCANS));
          });
        })
        .compose(report -> report.unchanged() ? Future.succeededFuture(report) : vertx.executeBlocking(() -> {
          cleanTemp(Set.of());
          return report;
        }, false))
        .recover(this::boundPartials)
        .recover(this::withGrpcCause)
        .eventually(this::releaseLock)
        .onSuccess(r -> {
          metrics.syncFinished(spiderId, r.transport(), "success", Duration.ofMillis(r.durationMs()));
          LOG.info("sync {}: transport={} files={} downloaded={} reused={} deleted={} kept={} skipped={} bytes={} in {} ms{}{}",
              spiderId, r.transport(), r.files(), r.downloaded(), r.reused(), r.deleted(), r.kept(), r.skipped(),
              r.bytes(),
              r.durationMs(),
              r.unchanged() ? " (unchanged)" : "", phases.length() == 0 ? "" : " [" + phases + "]");
        })
        .onFailure(err -> {
          metrics.syncFinished(spiderId, current.name(), "failure", Duration.ofNanos(System.nanoTime() - started));
          if (spiderUnknown) {
            metrics.forgetSpider(spiderId); // a spider deleted on the master keeps no series here
          }
          LOG.warn("sync {} failed over {}: {}", spiderId, current.name(), err.getMessage());
        });
  }

  /** After a fallback, a failure over HTTP also carries why gRPC failed (same kind, same code). */
  private Future<SyncReport> withGrpcCause(Throwable err) {
    if (grpcFailure == null || !(err instanceof TransportException te) || !"http".equals(current.name())) {
      return Future.failedFuture(err);
    }
    return Future.failedFuture(new TransportException(te.kind(), "over HTTP: " + te.getMessage()
        + "; over gRPC before: " + grpcFailure, te, te.retryAfterMs()));
  }

  /** The master's list of the spider ({@code known}: the digest held here, or null for the full list). */
  private Future<ScanResult> scan(String known) {
    return withRetry("scan of " + spiderId, src -> src.scan(spiderId, "", known))
        .onFailure(err -> spiderUnknown |= TransportException.kindOf(err) == Kind.NOT_FOUND);
  }

  private Future<Manifest> fullScan() {
    return scan(null)
        .compose(r -> r.unchanged()
            ? Future.failedFuture(new TransportException(Kind.PROTOCOL, "unchanged answer to a full scan"))
            : Future.succeededFuture(r.manifest()));
  }

  /**
   * One pass: validation, local diff, transfers, apply, state for the next sync. A download that does
   * not match its manifest hash (the master's file changed after its scan, or while it was streamed)
   * means the manifest is stale: the pass is repeated with a fresh manifest, at most {@code rescans}
   * times. The master drops a cached manifest that contradicts a file it serves, so the next scan is
   * fresh.
   */
  private Future<SyncReport> attempt(Manifest manifest, int rescans) {
    phase("manifest");
    return validate(manifest)
        .compose(remote -> prepareLocal(remote).compose(local -> {
          phase("local scan");
          return downloadAll(local)
              .compose(staged -> {
                phase("transfer");
                return applyBlocking(remote, local, staged);
              })
              .map(v -> {
                phase("state");
                return report(remote, local.diff()).withSkipped(remote.skippedTotal());
              });
        }))
        .recover(err -> {
          if (rescans > 0 && TransportException.kindOf(err) == Kind.INTEGRITY) {
            LOG.warn("sync {}: {}; asking the master for a fresh manifest", spiderId, err.getMessage());
            return fullScan().compose(m -> attempt(m, rescans - 1));
          }
          return Future.failedFuture(err);
        });
  }

  /** Names what the master left out (escaped by it, made safe to log on receipt); the rest syncs. */
  private void logSkipped(ScanResult r) {
    if (r.skippedTotal() > 0) {
      LOG.warn("sync {}: the master left out {} entries no worker can take: {}{}", spiderId, r.skippedTotal(),
          r.skipped().stream().map(s -> "\"" + s.path() + "\" (" + s.reason() + ")").toList(),
          r.skippedTotal() > r.skipped().size() ? " and more" : "");
    }
  }

  /** Notes how long the step that just ended took, for the log line of the sync. */
  private void phase(String name) {
    long now = System.nanoTime();
    long from = lastPhase == 0 ? started : lastPhase;
    lastPhase = now;
    phases.append(phases.length() == 0 ? "" : " ").append(name).append('=')
        .append(Duration.ofNanos(now - from).toMillis()).append("ms");
  }

  /** The master confirmed the digest the local tree holds: nothing to transfer or change. */
  private SyncReport unchangedReport(LocalState.State state) {
    long ms = Duration.ofNanos(System.nanoTime() - started).toMillis();
    return new SyncReport(spiderId, current.name(), state.files(), 0, 0, bytes.get(), ms, true, 0, state.kept());
  }

  /** A failed run keeps partial downloads for resuming, within {@link Partials}' bounds (none when the disk is full). */
  private Future<SyncReport> boundPartials(Throwable err) {
    if (lock == null) {
      return Future.failedFuture(err); // nothing written by this run; the temp area is not ours to touch
    }
    return vertx.executeBlocking(() -> {
      Partials.afterFailure(tmpDir, err);
      return null;
    }, false).transform(ar -> Future.failedFuture(err));
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
        grpcFailure = err.getMessage();
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

  /**
   * The local tree as scanned and what to do to it.
   *
   * @param remotePaths every path of the master's manifest
   * @param installed what earlier syncs installed, as far as known (see {@link InstalledSet#load})
   * @param kept local paths the master lacks that no sync installed: left alone
   */
  private record LocalTree(Manifest manifest, ManifestDiff diff, Set<String> remotePaths, Set<String> installed,
      java.util.List<String> kept) {}

  /** Creates dest and temp area, cleans stale temp files (keeping resumable ones), scans and diffs. */
  private Future<LocalTree> prepareLocal(Manifest remote) {
    IgnoreRules ignore = IgnoreRules.of(config.sync().ignore());
    return vertx.executeBlocking(() -> {
      Path master = WorkspaceMark.masterWorkspaceHolding(dest);
      if (master != null) { // before the first write: mirroring there would overwrite the master's spiders
        throw new TransportException(Kind.LOCAL_IO, "refusing to sync into " + dest + ": it is, or lies inside, "
            + master + ", the workspace of a master on this host (marked by " + WorkspaceMark.FILE + ")");
      }
      if (lock == null) {
        lock = DestinationLock.acquire(dest); // before the first write; held until the run ends
      }
      String operation = "creating the temp area " + tmpDir;
      try {
        Files.createDirectories(tmpDir);
        operation = "reading the destination";
        Scanner.Result local = localScanner.scan(spiderId, dest, "", ignore);
        Set<String> remotePaths = new HashSet<>(remote.entries().size() * 2);
        remote.entries().forEach(e -> remotePaths.add(e.path()));
        ManifestDiff full = ManifestDiff.compute(remote.entries(), local.manifest().entries());
        Set<String> installed = InstalledSet.load(dest, stored, DeletePlan.dropped(full, remotePaths));
        DeletePlan plan = DeletePlan.of(full, remotePaths, installed);
        ManifestDiff diff = plan.diff();
        Set<String> keep = new HashSet<>();
        for (FileEntry f : diff.downloads()) {
          keep.add(partName(f.hash()));
        }
        operation = "cleaning the temp area " + tmpDir;
        cleanTemp(keep);
        Partials.prune(tmpDir, Partials.MAX_BYTES, Partials.MAX_AGE, java.time.Instant.now());
        return new LocalTree(local.manifest(), diff, remotePaths, installed, plan.kept());
      } catch (IOException e) {
        throw new TransportException(Kind.LOCAL_IO, IoReason.describe("prepare", dest, operation, e), e);
      }
    }, false);
  }

  private Future<Map<String, Path>> downloadAll(LocalTree local) {
    ManifestDiff diff = local.diff();
    progress.planned(diff.downloads().size(), diff.downloadBytes());
    downloads = new Downloads(vertx, spiderId, dest, tmpDir, config.sync().compression(),
        config.sync().parallelDownloads(), this::withRetry, this::fetchOne, n -> {
          bytes.addAndGet(n);
          metrics.bytesReceived(n);
          progress.partial(n);
        }, metrics, progress);
    return downloads.run(diff, local.manifest());
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
          progress.partial(Math.min(have, entry.size()));
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
    RecordingWriteStream sink = new RecordingWriteStream(file, progress::partial);
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
                "cannot write " + entry.path() + " into " + tmpDir + ": "
                    + (io instanceof IOException ioe ? IoReason.of(ioe) : io.getMessage()), io));
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

  /** {@code sync.watchDestinations}: no-change syncs may trust the destination watch instead of walking. */
  private boolean watching() {
    return config.sync().watchDestinations();
  }

  private Future<Void> applyBlocking(Manifest remote, LocalTree local, Map<String, Path> staged) {
    IgnoreRules ignore = IgnoreRules.of(config.sync().ignore());
    ManifestDiff diff = local.diff();
    return vertx.executeBlocking(() -> {
      try {
        watch.suspend(dest);
        java.util.List<String> nonEmpty = InstalledSet.applyRecording(dest, tmpDir, diff, staged,
            local.remotePaths(), local.installed());
        java.util.List<String> left = new java.util.ArrayList<>(local.kept());
        left.addAll(nonEmpty);
        kept = left.size();
        deleted = diff.deletes().size() - nonEmpty.size();
        if (!left.isEmpty()) {
          LOG.info("sync {}: kept {} path(s) the master does not have and no sync installed or emptied: {}",
              spiderId, left.size(), DeletePlan.describe(new java.util.TreeSet<>(left)));
        }
        for (FileEntry f : diff.downloads()) {
          // installed and verified with the manifest's mtime: the next local scan need not hash it
          localScanner.remember(dest, f.path(), f.size(), f.mtime() * 1_000_000L, f.hash());
        }
        phase("apply");
        // armed before the fingerprint: a later change is seen, an earlier one is in the fingerprint
        long generation = 0;
        if (watching()) {
          generation = watch.arm(dest, ignore);
        } else {
          watch.disarm(dest);
        }
        LocalState.State state = new LocalState.State(spiderId, remote.digest(), remote.fileCount(),
            LocalState.fingerprint(dest, ignore), kept, LocalState.VERSION);
        LocalState.write(dest, state);
        watch.written(dest, generation, state);
        return null;
      } catch (IOException e) {
        watch.disarm(dest);
        throw new TransportException(Kind.LOCAL_IO, "cannot apply sync to " + dest + ": " + IoReason.of(e), e);
      } catch (RuntimeException e) {
        watch.disarm(dest);
        throw e;
      }
    }, false);
  }

  private SyncReport report(Manifest remote, ManifestDiff diff) {
    metrics.filesDownloaded(diff.downloads().size());
    if (downloads != null) {
      downloads.countTransfers(diff.downloads());
    }
    long ms = Duration.ofNanos(System.nanoTime() - started).toMillis();
    return new SyncReport(spiderId, current.name(), remote.fileCount(), diff.downloads().size(),
        deleted, bytes.get(), ms, false, downloads == null ? 0 : downloads.reused(), kept);
  }

  public static String partName(String hash) {
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
        String name = p.getFileName().toString();
        if (name.startsWith(Downloads.BULK_DIR_PREFIX) && Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          cleanBulkDir(p, keep);
        } else if (!keep.contains(name)) {
          LocalApplier.deleteRecursively(p);
        }
      }
    }
  }

  /** A bulk lane's directory keeps the verified files still wanted, and goes once it is empty. */
  private static void cleanBulkDir(Path dir, Set<String> keep) throws IOException {
    boolean empty = true;
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        if (keep.contains(p.getFileName().toString()) && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          empty = false;
        } else {
          LocalApplier.deleteRecursively(p);
        }
      }
    }
    if (empty) {
      Files.delete(dir);
    }
  }
}
