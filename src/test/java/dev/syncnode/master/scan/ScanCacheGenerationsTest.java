package dev.syncnode.master.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.syncnode.bus.Addresses;
import dev.syncnode.config.ConfigHolder;
import dev.syncnode.config.NodeConfig;
import dev.syncnode.it.Cluster;
import dev.syncnode.metrics.SyncMetrics;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryContext;
import io.vertx.core.eventbus.Message;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scan cache's invalidation counts: kept while a scan of the spider runs (so a scan that
 * overlapped a change is not cached), and dropped afterwards, so a long-running master does not keep
 * one entry for every spider name its watcher ever reported.
 */
class ScanCacheGenerationsTest {
  @TempDir Path tmp;
  Vertx vertx;
  /** Completed to let held scanner jobs through; set before a job is sent. */
  volatile Promise<Void> release;
  volatile Promise<Void> held;

  @BeforeEach
  void setUp() throws Exception {
    Path workspace = Files.createDirectories(tmp.resolve("master"));
    Files.createDirectories(workspace.resolve("s1"));
    Files.writeString(workspace.resolve("s1/a.txt"), "a\n");
    NodeConfig c = NodeConfig.defaults()
        .withNode(new NodeConfig.Node(NodeConfig.Role.MASTER, "m", workspace.toString()));
    ConfigHolder config = new ConfigHolder(c);
    SyncMetrics metrics = SyncMetrics.standalone();
    vertx = Vertx.vertx();
    // a job for the real scanner waits here while the test holds it, so a scan is provably in flight
    vertx.eventBus().addInboundInterceptor((DeliveryContext<Object> ctx) -> {
      Promise<Void> gate = release;
      if (Addresses.SCANNER_SCAN.equals(ctx.message().address()) && gate != null) {
        held.tryComplete();
        gate.future().onComplete(v -> ctx.next());
      } else {
        ctx.next();
      }
    });
    Cluster.await(vertx.deployVerticle(new ScannerVerticle(config, metrics))
        .compose(id -> vertx.deployVerticle(new ScanCacheVerticle(config, metrics))));
  }

  @AfterEach
  void tearDown() throws Exception {
    Cluster.await(vertx.close());
  }

  private CacheStats stats() throws Exception {
    return Cluster.await(vertx.eventBus().<CacheStats>request(Addresses.CACHE_STATS, "").map(Message::body));
  }

  private Future<Void> invalidate(String spiderId) {
    return vertx.eventBus().request(Addresses.CACHE_INVALIDATE, spiderId).mapEmpty();
  }

  private Future<ScanReply> scan(String spiderId) {
    return vertx.eventBus().<ScanReply>request(Addresses.CACHE_SCAN, new ScanRequest(spiderId, "", "grpc"))
        .map(Message::body);
  }

  @Test
  void invalidationsOfSpidersNotBeingScannedLeaveNothingBehind() throws Exception {
    List<Future<Void>> all = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      all.add(invalidate("gone-" + i));
    }
    Cluster.await(Future.all(all));
    assertEquals(0, stats().invalidationCounts(), "one count per spider name ever invalidated");
  }

  /** Holds the next scanner job until {@link #releaseScans}. */
  private void holdScans() {
    release = Promise.promise();
    held = Promise.promise();
  }

  private void releaseScans() {
    release.complete();
    release = null;
  }

  /** Once a scan is held: a file is added to s1 and the watch's invalidation of s1 is delivered. */
  private void changeWhileAScanIsHeld() throws Exception {
    Cluster.await(held.future());
    Files.writeString(tmp.resolve("master/s1/b.txt"), "b\n");
    Cluster.await(invalidate("s1"));
  }

  @Test
  void aScanOverlappingAnInvalidationIsAnsweredButNotCachedAndItsCountGoes() throws Exception {
    holdScans();
    Future<ScanReply> first = scan("s1");
    Cluster.await(held.future());
    Cluster.await(invalidate("s1"));
    assertEquals(1, stats().invalidationCounts());
    releaseScans();
    assertEquals(ScanReply.Outcome.SCANNED, Cluster.await(first).outcome());
    CacheStats after = stats();
    assertEquals(0, after.cached(), "the scan overlapped a change");
    assertEquals(0, after.invalidationCounts());

    assertEquals(ScanReply.Outcome.SCANNED, Cluster.await(scan("s1")).outcome());
    assertEquals(ScanReply.Outcome.CACHE_HIT, Cluster.await(scan("s1")).outcome());
  }

  private Future<Void> prewarm(String spiderId) {
    return vertx.eventBus().request(Addresses.CACHE_PREWARM, spiderId).mapEmpty();
  }

  @Test
  void aPrescanOverlappingAnInvalidationIsNotCached() throws Exception {
    holdScans();
    Future<Void> prescan = prewarm("s1");
    changeWhileAScanIsHeld();
    releaseScans();
    Cluster.await(prescan);
    CacheStats after = stats();
    assertEquals(0, after.cached(), "the prescan overlapped a change");
    assertEquals(0, after.invalidationCounts());
    ScanReply next = Cluster.await(scan("s1"));
    assertEquals(ScanReply.Outcome.SCANNED, next.outcome());
    assertEquals(2, next.manifest().fileCount());
  }

  /**
   * A prescan that joins a scan begun before the spider's last change (one that will not be cached)
   * scans again once that one ends: else the change's prescan passed and the first request walks.
   */
  @Test
  void aPrescanJoiningAStaleScanLeavesTheSpiderCached() throws Exception {
    holdScans();
    Future<ScanReply> request = scan("s1");
    changeWhileAScanIsHeld();
    Future<Void> prescan = prewarm("s1");
    releaseScans();
    Cluster.await(request);
    Cluster.await(prescan);
    assertEquals(1, stats().cached(), "the prescan ended with a current manifest cached");
    ScanReply next = Cluster.await(scan("s1"));
    assertEquals(ScanReply.Outcome.CACHE_HIT, next.outcome());
    assertEquals(2, next.manifest().fileCount());
  }
}
