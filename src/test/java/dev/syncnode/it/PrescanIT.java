package dev.syncnode.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.syncnode.worker.SyncReport;
import io.micrometer.core.instrument.Counter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A spider that is in the workspace when the master starts is scanned before any worker asks: the
 * first sync's scan request finds the manifest cached or joins that scan, it never starts one
 * ({@code sync.prescan: true}). Off (the default), the first sync is the one that scans.
 */
class PrescanIT {
  @TempDir Path tmp;

  @Test
  void theFirstSyncDoesNotWaitForAScanOfItsOwn() throws Exception {
    assertEquals(0.0, firstSyncScans(true), "cached or joined, not scanned");
  }

  @Test
  void withoutPrescanTheFirstSyncScans() throws Exception {
    assertEquals(1.0, firstSyncScans(false));
  }

  /** The scan requests of the first sync of a spider present at start that started a scan. */
  private double firstSyncScans(boolean prescan) throws Exception {
    Workspaces dirs = Workspaces.withSampleSpider(tmp);
    try (Cluster cluster = dirs.start(c -> c.withSync(c.sync().withPrescan(prescan)))) {
      SyncReport report = cluster.sync(dirs.spider().getFileName().toString(), null);
      assertTrue(report.downloaded() > 0, report.toString());
      assertEquals(Files.readString(dirs.spider().resolve("main.py")), Files.readString(dirs.dest().resolve("main.py")));
      assertEquals(1.0, cluster.masterMetrics.scansTotal(), "one scan in all");
      Counter scanned = cluster.masterMetrics.registry().find("syncnode.scan.requests")
          .tag("outcome", "scanned").counter();
      return scanned == null ? 0 : scanned.count();
    }
  }
}
