package dev.syncnode.it;

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
  Path spider;
  Path dest;
  Cluster cluster;

  @BeforeEach
  void setUp() throws Exception {
    Path workspace = Files.createDirectories(tmp.resolve("master"));
    spider = workspace.resolve("spider1");
    Trees.sampleSpider(spider);
    dest = tmp.resolve("worker/spider1");
    cluster = new Cluster(workspace, Files.createDirectories(tmp.resolve("worker")));
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
}
