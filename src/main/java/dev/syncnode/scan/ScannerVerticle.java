package dev.syncnode.scan;

import dev.syncnode.bus.Addresses;
import dev.syncnode.bus.Codecs;
import dev.syncnode.config.ConfigHolder;
import dev.syncnode.fs.ConfinedFile;
import dev.syncnode.manifest.IgnoreRules;
import dev.syncnode.metrics.SyncMetrics;
import dev.syncnode.transport.UnexpectedFailure;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import java.nio.file.Path;
import java.util.List;
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
    IgnoreRules ignore = IgnoreRules.of(config.get().sync().ignore());
    vertx.executeBlocking(() -> {
          Path root = paths.spiderRoot(job.spiderId());
          paths.directory(job.spiderId(), job.path(), ignore);
          return scanner.scan(job.spiderId(), root, job.path(), ignore);
        }, false)
        .onSuccess(result -> {
          metrics.scanPerformed(result.durationMs());
          LOG.info("scan {}: {} files in {} ms ({} hashed)", job.spiderId(),
              result.manifest().fileCount(), result.durationMs(), result.hashedFiles());
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
}
