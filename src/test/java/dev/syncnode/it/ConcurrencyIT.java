package dev.syncnode.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.syncnode.bus.Addresses;
import dev.syncnode.worker.SyncReport;
import io.vertx.core.Future;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One scan for many requests (master) and one run per destination (worker). Concurrency is made
 * certain with {@link BusGate}: the master's directory walk is held until every request is in, so
 * the assertions do not depend on timing.
 */
class ConcurrencyIT {
  @TempDir Path tmp;
  Cluster cluster;

  Path setUp(java.util.function.UnaryOperator<dev.syncnode.config.NodeConfig> tweak) throws Exception {
    Workspaces dirs = Workspaces.withSampleSpider(tmp);
    cluster = dirs.start(Tweaks.and(tweak, Tweaks.noPrescan())); // the walks counted are the syncs' own
    return dirs.spider();
  }

  @AfterEach
  void tearDown() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void tenConcurrentSyncsIntoTenDestinationsCauseOneWalk() throws Exception {
    // TTL 0: nothing is ever served from the cache, so only the in-flight join can save walks
    Path spider = setUp(Tweaks.cacheTtl(Duration.ZERO));
    BusGate walk = BusGate.hold(cluster.masterVertx, Addresses.SCANNER_SCAN);
    BusGate.afterSent(cluster.masterVertx, Addresses.CACHE_SCAN, 10, walk::open);

    List<Future<SyncReport>> runs = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      runs.add(cluster.syncAsync("spider1", tmp.resolve("dest-" + i)));
    }
    List<SyncReport> reports = Cluster.await(Future.all(runs)).list();

    Map<String, String> expected = Trees.describe(spider, Trees::notIgnored);
    for (int i = 0; i < 10; i++) {
      assertEquals(expected, Trees.describe(tmp.resolve("dest-" + i)), "dest-" + i);
      assertEquals(7, reports.get(i).downloaded());
      assertEquals("grpc", reports.get(i).transport());
    }
    assertEquals(1.0, cluster.masterMetrics.scansTotal(), "the master walked the tree once");
    assertEquals(1.0, Meters.scanRequests(cluster.masterMetrics, "scanned"));
    assertEquals(9.0, Meters.scanRequests(cluster.masterMetrics, "joined"));
    assertEquals(0.0, Meters.scanRequests(cluster.masterMetrics, "cache_hit"));
  }

  @Test
  void secondSyncInsideTheTtlIsServedFromTheCache() throws Exception {
    Path spider = setUp(c -> c); // default TTL 60s
    Path dest = tmp.resolve("dest");
    SyncReport first = cluster.sync("spider1", dest);
    assertEquals(7, first.downloaded());

    SyncReport second = cluster.sync("spider1", dest);
    assertEquals(0, second.downloaded(), "nothing changed: nothing moves");
    assertEquals(0, second.deleted());
    assertEquals(0, second.bytes());
    assertEquals(7, second.files());

    SyncReport elsewhere = cluster.sync("spider1", tmp.resolve("dest-2"));
    assertEquals(7, elsewhere.downloaded());

    assertEquals(1.0, cluster.masterMetrics.scansTotal(), "one walk for three syncs");
    assertEquals(1.0, Meters.scanRequests(cluster.masterMetrics, "scanned"));
    assertEquals(2.0, Meters.count(cluster.masterMetrics, "syncnode.scan.requests", "transport", "grpc",
        "outcome", "cache_hit"));
    assertEquals(Trees.describe(spider, Trees::notIgnored), Trees.describe(dest));
    assertTrue(cluster.masterMetrics.scrape().contains("syncnode_scan_requests_total{outcome=\"cache_hit\",transport=\"grpc\"} 2.0"),
        "visible on the Prometheus page");
  }

  @Test
  void tenConcurrentSyncsOfOneDestinationShareOneRun() throws Exception {
    Path spider = setUp(c -> c);
    Path dest = tmp.resolve("shared");
    BusGate walk = BusGate.hold(cluster.masterVertx, Addresses.SCANNER_SCAN);
    // open the master only once the worker has taken in all ten requests
    BusGate.afterDelivered(cluster.workerVertx, Addresses.WORKER_SYNC, 10, walk::open);

    List<Future<SyncReport>> runs = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      runs.add(cluster.syncAsync("spider1", dest));
    }
    List<SyncReport> reports = Cluster.await(Future.all(runs)).list();

    assertEquals(1, new HashSet<>(reports).size(), "all ten got the report of the one run: " + reports);
    assertEquals(7, reports.get(0).downloaded());
    assertEquals(1.0, Meters.count(cluster.workerMetrics, "syncnode.syncs"), "one sync ran on the worker");
    assertEquals(1.0, Meters.scanRequests(cluster.masterMetrics, "scanned"), "one manifest request reached the master");
    assertEquals(0.0, Meters.scanRequests(cluster.masterMetrics, "joined"));
    assertEquals(Trees.describe(spider, Trees::notIgnored), Trees.describe(dest));

    // the in-flight entry is gone once the run finished: the next request is a new run
    SyncReport again = cluster.sync("spider1", dest);
    assertEquals(0, again.downloaded());
    assertEquals(2.0, Meters.count(cluster.workerMetrics, "syncnode.syncs"));
  }
}
