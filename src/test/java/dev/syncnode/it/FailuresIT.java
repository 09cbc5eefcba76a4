package dev.syncnode.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.syncnode.worker.WorkerSyncVerticle;
import io.vertx.core.eventbus.ReplyException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A sync that cannot succeed fails clearly and leaves the local copy as it was. */
class FailuresIT {
  @TempDir Path tmp;

  /** A destination that already holds an older copy. */
  Path existingCopy(String name) throws Exception {
    Path dest = tmp.resolve(name);
    Trees.write(dest, "main.py", "old main\n");
    Trees.write(dest, "pkg/mod.py", "old mod\n");
    Files.createDirectories(dest.resolve("empty"));
    return dest;
  }

  @Test
  void unknownSpiderFailsClearlyAndTouchesNothing() throws Exception {
    Workspaces dirs = Workspaces.withSampleSpider(tmp);
    Path workerWs = dirs.workerWorkspace();
    try (Cluster cluster = dirs.start(Tweaks.and(Cluster::fastRetries, Tweaks.noPrescan()))) { // scans counted
      Path dest = existingCopy("copy");
      Map<String, String> before = Trees.describe(dest, rel -> true);

      ReplyException err = assertThrows(ReplyException.class, () -> cluster.sync("no-such-spider", dest));
      assertEquals(WorkerSyncVerticle.FAIL_NOT_FOUND, err.failureCode());
      assertTrue(err.getMessage().contains("NOT_FOUND") && err.getMessage().contains("no-such-spider"),
          err.getMessage());
      assertEquals(before, Trees.describe(dest, rel -> true), "not even a temp area was created");

      assertThrows(ReplyException.class, () -> cluster.sync("no-such-spider", null));
      assertFalse(Files.exists(workerWs.resolve("no-such-spider")), "no directory for an unknown spider");

      ReplyException bad = assertThrows(ReplyException.class, () -> cluster.sync("..", null));
      assertEquals(WorkerSyncVerticle.FAIL_INVALID, bad.failureCode());
      assertEquals(Map.of(), Trees.describe(workerWs, rel -> true));
      assertEquals(0.0, cluster.masterMetrics.scansTotal(), "failures are not scans");
    }
  }

  @Test
  void unreachableMasterFailsClearlyAndTouchesNothing() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    Path dest = existingCopy("copy");
    Map<String, String> before = Trees.describe(dest, rel -> true);
    try (WorkerNode worker = new WorkerNode(tmp.resolve("ws"), "127.0.0.1:" + closedPort, Cluster::fastRetries)) {
      ReplyException err = assertThrows(ReplyException.class, () -> worker.sync("spider1", dest));
      assertEquals(WorkerSyncVerticle.FAIL_UNAVAILABLE, err.failureCode());
      assertTrue(err.getMessage().contains("unreachable"), err.getMessage());
      assertEquals(before, Trees.describe(dest, rel -> true));
      assertEquals(1.0, Meters.count(worker.metrics, "syncnode.syncs", "outcome", "failure"));
    }
  }
}
