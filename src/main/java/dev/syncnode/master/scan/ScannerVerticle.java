package dev.syncnode.master.scan;

import dev.syncnode.bus.Addresses;
import dev.syncnode.bus.Codecs;
import dev.syncnode.config.ConfigHolder;
import dev.syncnode.fs.ConfinedFile;
import dev.syncnode.fs.Scanner;
import dev.syncnode.manifest.IgnoreRules;
import dev.syncnode.manifest.Skipped;
import dev.syncnode.master.SpiderPaths;
import dev.syncnode.master.UnexpectedFailure;
import dev.syncnode.metrics.SyncMetrics;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Performs real directory walks for the master. Every walk runs on a worker thread (unordered, so
 * different spiders scan in parallel); the event loop only routes messages. Callers normally go
 * through the scan cache, which guarantees one walk per (spider, path) at a time.
 */
public final class ScannerVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(ScannerVerticle.class);

  private final ConfigHolder config;
  private final SyncMetrics metrics;
  private final Scanner scanner = new Scanner();
  /** Skipped entries already logged and counted, as spiderId NUL path (event loop only). */
  private final Set<String> reportedSkips = new HashSet<>();
  /** Bound of {@link #reportedSkips}: past it the set starts over (a skip is then logged again). */
  static final int MAX_REPORTED_SKIPS = 10_000;

  public ScannerVerticle(ConfigHolder config, SyncMetrics metrics) {
    this.config = config;
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    Codecs.register(vertx, List.of(ScanJob.class, Scanner.Result.class));
    if (ConfinedFile.safe()) { // loading it logs the one warning, at start, when files cannot be opened safely
      LOG.debug("spider files are opened and checked by descriptor");
    }
    return vertx.eventBus().<ScanJob>localConsumer(Addresses.SCANNER_SCAN, this::onScan).completion();
  }

  private void onScan(Message<ScanJob> msg) {
    ScanJob job = msg.body();
    SpiderPaths paths = new SpiderPaths(Path.of(config.get().node().workspace()));
    IgnoreRules ignore = config.get().sync().ignoreRules();
    vertx.executeBlocking(() -> {
          Path root = paths.spiderRoot(job.spiderId());
          paths.directory(job.spiderId(), job.path(), ignore);
          return scanner.scan(job.spiderId(), root, job.path(), ignore);
        }, false)
        .onSuccess(result -> {
          metrics.scanPerformed(result.durationMs());
          LOG.info("scan {}: {} files in {} ms ({} hashed)", job.spiderId(),
              result.manifest().fileCount(), result.durationMs(), result.hashedFiles());
          reportSkipped(job.spiderId(), result);
          msg.reply(result);
        })
        .onFailure(err -> {
          ScanException se = err instanceof ScanException s ? s
              : new ScanException(ScanException.Kind.INTERNAL, "scan failed: " + UnexpectedFailure.describe(err), err);
          if (se.kind() == ScanException.Kind.INTERNAL) {
            LOG.warn("scan {} failed", job.spiderId(), err);
          }
          msg.fail(se.kind().code, se.getMessage());
        });
  }

  /** Logs and counts each skipped entry once per spider and path, not on every rescan. */
  private void reportSkipped(String spiderId, Scanner.Result result) {
    for (Skipped s : result.manifest().skipped()) {
      if (reportedSkips.size() >= MAX_REPORTED_SKIPS) {
        reportedSkips.clear();
      }
      if (reportedSkips.add(spiderId + '\0' + s.path())) {
        metrics.scanSkipped(s.reason());
        LOG.warn("scan {}: left out \"{}\" ({}): {}", spiderId, s.path(), s.reason(),
            Skipped.HARD_LINK.equals(s.reason())
                ? "its other names may lie outside the spider; replace it by a copy to sync it"
                : "workers cannot take this name; rename it to sync it");
      }
    }
  }
}
