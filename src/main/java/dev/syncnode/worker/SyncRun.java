package dev.syncnode.worker;

import dev.syncnode.config.NodeConfig;
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
import dev.syncnode.worker.apply.LocalState;
import dev.syncnode.worker.fetch.Downloads;
import dev.syncnode.worker.fetch.Partials;
import dev.syncnode.worker.fetch.Staging;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One sync of one spider into one destination, as a chain of phases: scan (the master's list, or
 * "unchanged" when the local tree still holds the digest last applied) -> plan (validate, scan the
 * local tree, diff) -> fetch (each changed content once into {@link Staging}, verified against its
 * SHA-256) -> apply (deletes, dirs, atomic renames, links, modes) -> state (for the next sync) ->
 * report. Nothing at a final path changes before every download has been verified, so a failed sync
 * leaves the old copy as it was. Runs on the event loop of the verticle that created it; file-system
 * work goes to worker threads.
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
  private final IgnoreRules ignore;
  private final Transports transports;
  private final Progress progress;
  private final DestinationWatch watch;
  private final AtomicLong bytes = new AtomicLong();
  private volatile DestinationLock lock;
  private Staging staging;
  private long started;
  private long lastPhase;
  private final StringBuilder phases = new StringBuilder();
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
    this.vertx = vertx;
    this.config = config;
    this.metrics = metrics;
    this.localScanner = localScanner;
    this.spiderId = spiderId;
    this.dest = dest.toAbsolutePath().normalize();
    this.tmpDir = this.dest.resolve(PathRules.RESERVED_DIR).resolve("tmp");
    this.ignore = config.sync().ignoreRules();
    this.transports = new Transports(spiderId, grpc, http, new Backoff(vertx, config.sync().retry()), metrics);
    this.progress = progress == null ? Progress.NONE : progress;
    this.watch = watch;
  }

  public Future<SyncReport> run() {
    started = System.nanoTime();
    if (transports.current() == null) {
      return Future.failedFuture(new TransportException(Kind.INVALID, "no transport configured"));
    }
    try {
      PathRules.requireSpiderId(spiderId);
    } catch (PathViolation e) {
      return Future.failedFuture(new TransportException(Kind.INVALID, e.getMessage()));
    }
    return vertx.executeBlocking(() -> LocalState.read(dest), false)
        .otherwise(err -> null)
        .compose(this::scanOrConfirm)
        .compose(report -> report.unchanged() ? Future.succeededFuture(report) : vertx.executeBlocking(() -> {
          Partials.prune(tmpDir, Set.of(), 0, Duration.ZERO, Instant.now());
          return report;
        }, false))
        .recover(this::boundPartials)
        .recover(transports::withGrpcCause)
        .eventually(this::releaseLock)
        .onSuccess(this::logSuccess)
        .onFailure(this::logFailure);
  }

  /**
   * Asks the master for its list, naming the digest held here; meanwhile checks the local tree (the
   * watch's barrier, else a stat-only walk). An "unchanged" answer that the local tree confirms ends
   * the sync; otherwise the full list is synced.
   */
  private Future<SyncReport> scanOrConfirm(LocalState.State stored) {
    this.stored = stored;
    String known = stored != null && spiderId.equals(stored.spiderId()) ? stored.digest() : null;
    Future<LocalState.State> verified = known == null ? Future.succeededFuture()
        : vertx.executeBlocking(() -> watching() && watch.unchanged(dest, stored, ignore)
            ? stored : LocalState.current(dest, spiderId, ignore), false).otherwise(err -> null);
    Future<ScanResult> scan = transports.scan(known);
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
        return Future.succeededFuture(unchangedReport(state, result.skippedTotal()));
      }
      LOG.info("sync {}: the local tree changed since the last sync; asking for the full list", spiderId);
      return transports.fullScan().compose(m -> attempt(m, MAX_RESCANS));
    });
  }

  /**
   * One pass: plan, fetch, apply, state. A download that does not match its manifest hash (the
   * master's file changed after its scan, or while it was streamed) means the manifest is stale: the
   * pass is repeated with a fresh manifest, at most {@code rescans} times. The master drops a cached
   * manifest that contradicts a file it serves, so the next scan is fresh.
   */
  private Future<SyncReport> attempt(Manifest remote, int rescans) {
    phase("manifest");
    return plan(remote)
        .compose(local -> fetch(local)
            .compose(staged -> apply(remote, local, staged))
            .map(v -> report(remote, local.diff())))
        .recover(err -> {
          if (rescans > 0 && TransportException.kindOf(err) == Kind.INTEGRITY) {
            LOG.warn("sync {}: {}; asking the master for a fresh manifest", spiderId, err.getMessage());
            return transports.fullScan().compose(m -> attempt(m, rescans - 1));
          }
          return Future.failedFuture(err);
        });
  }

  /** Validates the manifest, takes the destination, scans and diffs the local tree. */
  private Future<LocalTree> plan(Manifest remote) {
    try {
      ManifestValidator.validate(remote.entries());
    } catch (PathViolation e) {
      return Future.failedFuture(new TransportException(Kind.INVALID, "rejected manifest from master: "
          + e.getMessage()));
    }
    return vertx.executeBlocking(() -> {
      Path master = WorkspaceMark.masterWorkspaceHolding(dest);
      if (master != null) { // before the first write: mirroring there would overwrite the master's spiders
        throw new TransportException(Kind.LOCAL_IO, "refusing to sync into " + dest + ": it is, or lies inside, "
            + master + ", the workspace of a master on this host (marked by " + WorkspaceMark.FILE + ")");
      }
      if (lock == null) {
        lock = DestinationLock.acquire(dest); // before the first write; held until the run ends
      }
      return LocalTree.plan(dest, tmpDir, spiderId, remote, localScanner, ignore, stored);
    }, false).onSuccess(local -> phase("local scan"));
  }

  /** Every content the diff needs, verified in the temp area. */
  private Future<Map<String, Path>> fetch(LocalTree local) {
    ManifestDiff diff = local.diff();
    progress.planned(diff.downloads().size(), diff.downloadBytes());
    staging = new Staging(vertx, tmpDir, spiderId, config.sync().compression(), n -> {
      bytes.addAndGet(n);
      metrics.bytesReceived(n);
      progress.partial(n);
    }, progress);
    return new Downloads(staging, dest, config.sync().parallelDownloads(), transports::run)
        .run(diff, local.manifest()).onSuccess(staged -> phase("transfer"));
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
  private SyncReport unchangedReport(LocalState.State state, long skipped) {
    long ms = Duration.ofNanos(System.nanoTime() - started).toMillis();
    return new SyncReport(spiderId, transports.current().name(), state.files(), 0, 0, bytes.get(), ms, true, 0,
        state.kept(), skipped);
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

  private void logSuccess(SyncReport r) {
    metrics.syncFinished(spiderId, r.transport(), "success", Duration.ofMillis(r.durationMs()));
    LOG.info("sync {}: transport={} files={} downloaded={} reused={} deleted={} kept={} skipped={} bytes={} in {} ms{}{}",
        spiderId, r.transport(), r.files(), r.downloaded(), r.reused(), r.deleted(), r.kept(), r.skipped(),
        r.bytes(), r.durationMs(), r.unchanged() ? " (unchanged)" : "",
        phases.length() == 0 ? "" : " [" + phases + "]");
  }

  private void logFailure(Throwable err) {
    String transport = transports.current().name();
    metrics.syncFinished(spiderId, transport, "failure", Duration.ofNanos(System.nanoTime() - started));
    if (transports.spiderUnknown()) {
      metrics.forgetSpider(spiderId); // a spider deleted on the master keeps no series here
    }
    LOG.warn("sync {} failed over {}: {}", spiderId, transport, err.getMessage());
  }

  /** {@code sync.watchDestinations}: no-change syncs may trust the destination watch instead of walking. */
  private boolean watching() {
    return config.sync().watchDestinations();
  }

  /** Installs the staged files and writes the state the next sync starts from. */
  private Future<Void> apply(Manifest remote, LocalTree local, Map<String, Path> staged) {
    ManifestDiff diff = local.diff();
    return vertx.<Void>executeBlocking(() -> {
      try {
        watch.suspend(dest);
        List<String> nonEmpty = InstalledSet.applyRecording(dest, tmpDir, diff, staged, local.remotePaths(),
            local.installed());
        List<String> left = new ArrayList<>(local.kept());
        left.addAll(nonEmpty);
        kept = left.size();
        deleted = diff.deletes().size() - nonEmpty.size();
        if (!left.isEmpty()) {
          LOG.info("sync {}: kept {} path(s) the master does not have and no sync installed or emptied: {}",
              spiderId, left.size(), DeletePlan.describe(new TreeSet<>(left)));
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
    }, false).onSuccess(v -> phase("state"));
  }

  private SyncReport report(Manifest remote, ManifestDiff diff) {
    metrics.filesDownloaded(diff.downloads().size());
    staging.countTransfers(diff.downloads(), metrics);
    long ms = Duration.ofNanos(System.nanoTime() - started).toMillis();
    return new SyncReport(spiderId, transports.current().name(), remote.fileCount(), diff.downloads().size(),
        deleted, bytes.get(), ms, false, staging.count("reused"), kept, remote.skippedTotal());
  }
}
