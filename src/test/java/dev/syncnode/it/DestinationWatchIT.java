package dev.syncnode.it;

import dev.syncnode.config.NodeConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.syncnode.worker.SyncReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No-change syncs answered by the destination watch: an untouched copy is confirmed without a
 * transfer, and a local change made right before a sync (no pause) is always repaired.
 */
class DestinationWatchIT {
  @TempDir Path tmp;
  Workspaces dirs;
  Path spider;
  Path dest;
  Cluster cluster;

  @BeforeEach
  void setUp() throws Exception {
    dirs = Workspaces.withSampleSpider(tmp);
    spider = dirs.spider();
    dest = dirs.dest();
    cluster = dirs.start();
  }

  @AfterEach
  void tearDown() throws Exception {
    cluster.close();
  }

  @Test
  void untouchedDestinationIsUnchanged() throws Exception {
    assertFalse(cluster.sync("spider1", null).unchanged());
    for (int i = 0; i < 3; i++) {
      SyncReport r = cluster.sync("spider1", null);
      assertTrue(r.unchanged(), r.toString());
      assertEquals(0, r.downloaded());
      assertEquals(0, r.bytes());
    }
    assertEquals(Trees.describe(spider, Trees::notIgnored), Trees.describe(dest));
  }

  @Test
  void localEditRightBeforeASyncIsRepaired() throws Exception {
    cluster.sync("spider1", null);
    String[] files = {"main.py", "pkg/sub/deep/module.py", "données/naïve-ファイル.txt"};
    for (int i = 0; i < 30; i++) {
      Path edited = dest.resolve(files[i % files.length]);
      Files.writeString(edited, "local edit " + i + "\n", StandardOpenOption.APPEND);
      SyncReport r = cluster.sync("spider1", null);
      assertFalse(r.unchanged(), "round " + i + ": the edit was seen");
      assertEquals(1, r.downloaded(), "round " + i);
      assertEquals(Trees.describe(spider, Trees::notIgnored), Trees.describe(dest));
    }
    assertTrue(cluster.sync("spider1", null).unchanged());
  }

  @Test
  void withTheWatchOffAChangeInotifyCannotSeeIsStillRepaired() throws Exception {
    cluster.close();
    cluster = dirs.start(c -> {
      NodeConfig.Sync s = c.sync();
      return c.withSync(new NodeConfig.Sync(s.useGrpc(), s.grpcCacheTtl(), s.grpcChunkSize(), s.ignore(), s.http(),
          s.retry(), s.timeout(), s.parallelDownloads(), s.compression(), false));
    });
    cluster.sync("spider1", null);
    assertTrue(cluster.sync("spider1", null).unchanged());
    // a write through a hard link outside the destination raises no inotify event there; the walk sees it
    Path outside = Files.createLink(Files.createDirectories(tmp.resolve("elsewhere")).resolve("main.py"),
        dest.resolve("main.py"));
    Files.writeString(outside, "edited through a hard link\n", StandardOpenOption.APPEND);
    SyncReport r = cluster.sync("spider1", null);
    assertFalse(r.unchanged(), r.toString());
    assertEquals(1, r.downloaded());
    assertEquals(Trees.describe(spider, Trees::notIgnored), Trees.describe(dest));
  }
}
