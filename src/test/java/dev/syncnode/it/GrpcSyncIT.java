package dev.syncnode.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.syncnode.worker.SyncReport;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GrpcSyncIT {
  @TempDir Path tmp;
  Workspaces dirs;
  Cluster cluster;

  @BeforeEach
  void setUp() throws Exception {
    dirs = Workspaces.withSampleSpider(tmp);
    cluster = dirs.start();
  }

  @AfterEach
  void tearDown() throws Exception {
    cluster.close();
  }

  @Test
  void exactCopyOfSampleTree() throws Exception {
    SyncReport report = cluster.sync("spider1", null);
    Map<String, String> expected = Trees.describe(dirs.spider(), Trees::notIgnored);
    Map<String, String> actual = Trees.describe(dirs.dest());
    assertEquals(expected, actual);
    assertEquals("grpc", report.transport());
    assertTrue(actual.containsKey("empty/dir"));
    assertTrue(actual.containsKey("poetry.lock"));
    assertFalse(actual.containsKey(".git"));
    assertEquals("link main.py", actual.get("link-to-main.py"));
    assertEquals(7, report.files());
    assertEquals(7, report.downloaded());
    assertEquals(1, cluster.masterMetrics.scansTotal());
  }
}
