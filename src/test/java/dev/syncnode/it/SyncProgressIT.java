package dev.syncnode.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.syncnode.bus.Addresses;
import dev.syncnode.config.ConfigHolder;
import dev.syncnode.metrics.SyncMetrics;
import dev.syncnode.worker.SyncReport;
import dev.syncnode.worker.SyncRequest;
import dev.syncnode.worker.SyncRun;
import dev.syncnode.worker.WorkerSyncVerticle;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sync reports the bytes of a file while it is in transfer, before the file is done (what the
 * CLI's progress line counts): real master, a worker sync verticle with a recording progress.
 */
class SyncProgressIT {
  @TempDir Path tmp;

  @Test
  void bytesOfALargeFileAreReportedWhileItTransfers() throws Exception {
    Workspaces dirs = Workspaces.withSampleSpider(tmp);
    int size = 12 * 1024 * 1024;
    Trees.write(dirs.spider(), "data/big.bin", Trees.random(5, size));
    AtomicLong partialBeforeBigDone = new AtomicLong();
    AtomicLong partial = new AtomicLong();
    SyncRun.Progress recorder = new SyncRun.Progress() {
      @Override
      public void partial(long bytes) {
        partial.addAndGet(bytes);
      }

      @Override
      public void advanced(long files, long bytes) {
        if (bytes == size) {
          partialBeforeBigDone.set(partial.get());
        }
      }
    };
    Vertx vertx = Vertx.vertx();
    try (Cluster cluster = dirs.start()) {
      Cluster.await(vertx.deployVerticle(new WorkerSyncVerticle(new ConfigHolder(cluster.workerConfig.get()),
          SyncMetrics.standalone(), recorder)));
      SyncReport r = Cluster.await(vertx.eventBus().<SyncReport>request(Addresses.WORKER_SYNC,
          new SyncRequest("spider1", tmp.resolve("dest").toString()), new DeliveryOptions().setSendTimeout(60_000)))
          .body();
      assertEquals(8, r.downloaded());
      assertTrue(partialBeforeBigDone.get() > size / 2,
          "bytes counted while the big file was in transfer: " + partialBeforeBigDone.get());
    } finally {
      Cluster.await(vertx.close());
    }
  }
}
