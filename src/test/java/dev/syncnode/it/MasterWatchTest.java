package dev.syncnode.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.syncnode.bus.Addresses;
import dev.syncnode.worker.SyncReport;
import io.vertx.core.Promise;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With the default cache TTL (60 s), the master's watcher keeps cached manifests current: an
 * unchanged spider is served from the cache (no walk), a changed one is walked again at once.
 */
class MasterWatchTest {
  @TempDir Path tmp;
  Path spider;
  Path mirror;
  Cluster cluster;
  final Set<String> invalidated = ConcurrentHashMap.newKeySet();
  volatile Promise<Void> nextInvalidation = Promise.promise();

  @BeforeEach
  void setUp() throws Exception {
    Path workspace = Files.createDirectories(tmp.resolve("master"));
    mirror = Files.createDirectories(tmp.resolve("worker"));
    spider = workspace.resolve("s1");
    Trees.sampleSpider(spider);
    cluster = new Cluster(workspace, mirror);
    cluster.masterVertx.eventBus().addOutboundInterceptor(ctx -> {
      ctx.next(); // delivered (queued to the cache) before the test can send its next request
      if (Addresses.CACHE_INVALIDATE.equals(ctx.message().address())) {
        invalidated.add(String.valueOf(ctx.message().body()));
        nextInvalidation.tryComplete();
      }
    });
  }

  @AfterEach
  void tearDown() throws Exception {
    cluster.close();
  }

  @Test
  void unchangedSpiderIsNotWalkedAgainAndAChangeIsSeenAtOnce() throws Exception {
    cluster.sync("s1", null);
    assertEquals(1.0, cluster.masterMetrics.scansTotal());
    SyncReport again = cluster.sync("s1", null);
    assertTrue(again.unchanged());
    assertEquals(1.0, cluster.masterMetrics.scansTotal(), "served from the cache");

    nextInvalidation = Promise.promise();
    Trees.write(spider, "pkg/sub/deep/module.py", "X = 2\n");
    Cluster.await(nextInvalidation.future());
    assertTrue(invalidated.contains("s1"));
    SyncReport changed = cluster.sync("s1", null);
    assertFalse(changed.unchanged());
    assertEquals(1, changed.downloaded());
    assertEquals("X = 2\n", Files.readString(mirror.resolve("s1/pkg/sub/deep/module.py")));
    assertEquals(2.0, cluster.masterMetrics.scansTotal());

    // a new directory is watched too: a file written into it later is seen
    nextInvalidation = Promise.promise();
    Files.createDirectories(spider.resolve("fresh/dir"));
    Cluster.await(nextInvalidation.future());
    cluster.sync("s1", null);
    nextInvalidation = Promise.promise();
    Trees.write(spider, "fresh/dir/new.py", "NEW = 1\n");
    Cluster.await(nextInvalidation.future());
    cluster.sync("s1", null);
    assertEquals("NEW = 1\n", Files.readString(mirror.resolve("s1/fresh/dir/new.py")));

    // ignored names do not invalidate anything
    invalidated.clear();
    nextInvalidation = Promise.promise();
    Trees.write(spider, "pkg/stale2.pyc", "bytecode");
    Trees.write(spider, "marker.txt", "m\n");
    Cluster.await(nextInvalidation.future());
    assertEquals(Set.of("s1"), invalidated);
    cluster.sync("s1", null);
    assertFalse(Files.exists(mirror.resolve("s1/pkg/stale2.pyc")));
    assertTrue(Files.exists(mirror.resolve("s1/marker.txt")));
  }
}
