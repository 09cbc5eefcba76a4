package dev.syncnode.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.syncnode.config.ConfigService;
import dev.syncnode.config.NodeConfig;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker started with the README's command (the master's {@code conf/config.yml}, the role from the
 * environment) gets its own workspace and key, and a worker whose workspace is a master's on this
 * host, or inside it, refuses to start (a real child JVM: exit 1, one clear line).
 */
class WorkerWorkspaceIT {
  @TempDir Path tmp;

  @Test
  void theShippedConfigGivesAWorkerItsOwnWorkspaceAndKey() {
    JsonObject deployment = new JsonObject().put(ConfigService.CONFIG_PATH_KEY,
        Path.of("conf/config.yml").toAbsolutePath().toString());
    NodeConfig worker = ConfigService.loadNow(deployment, Map.of("SYNCNODE_NODE_ROLE", "worker"));
    assertEquals("data/worker", worker.node().workspace());
    assertEquals("worker-1", worker.node().key());
    NodeConfig master = ConfigService.loadNow(deployment, Map.of());
    assertEquals("data/workspace", master.node().workspace());
    assertEquals("node-1", master.node().key());
    NodeConfig explicit = ConfigService.loadNow(deployment,
        Map.of("SYNCNODE_NODE_ROLE", "worker", "SYNCNODE_NODE_WORKSPACE", "/srv/mirror", "SYNCNODE_NODE_KEY", "w9"));
    assertEquals("/srv/mirror", explicit.node().workspace());
    assertEquals("w9", explicit.node().key());
  }

  @Test
  void aWorkerInsideAMastersWorkspaceRefusesToStart() throws Exception {
    Workspaces dirs = Workspaces.withSampleSpider(tmp);
    try (Cluster cluster = dirs.start()) {
      for (Path inside : new Path[] {dirs.workspace(), dirs.spider()}) {
        ChildJvm.Result r = ChildJvm.run(tmp, Map.of("SYNCNODE_NODE_ROLE", "worker", "SYNCNODE_HTTP_PORT", "0",
            "SYNCNODE_NODE_WORKSPACE", inside.toString()), 60);
        assertEquals(1, r.code(), r.all());
        assertTrue(r.err().contains("node.workspace") && r.err().contains("workspace of a master"), r.all());
        assertEquals(1, r.err().strip().lines().count(), "one line, no stack trace\n" + r.all());
      }
    }
    assertTrue(Files.notExists(dirs.spider().resolve(".syncnode")), "nothing written into the spider");
  }

  @Test
  void aWorkerWhoseSpiderDestinationIsAMastersWorkspaceRefusesToSync() throws Exception {
    Workspaces dirs = Workspaces.withSampleSpider(tmp);
    // a spider named like the master's workspace: a worker on the parent directory would mirror it there
    Trees.write(dirs.workspace().resolve("master"), "spider1/main.py", "overwritten");
    String before = Files.readString(dirs.spider().resolve("main.py"));
    try (Cluster cluster = new Cluster(dirs.workspace(), tmp);
        HttpProbe worker = new HttpProbe(cluster.worker.httpPort())) {
      HttpProbe.Reply r = worker.post("/api/sync/master");
      assertTrue(r.status() >= 400, r.status() + " " + r.text());
      String error = r.json().getString("error");
      assertTrue(error.contains(dirs.workspace().toString()) && error.contains("workspace of a master"), error);
    }
    assertEquals(before, Files.readString(dirs.spider().resolve("main.py")), "the master's spider is untouched");
    assertTrue(Files.notExists(dirs.workspace().resolve(".syncnode")), "nothing written into the workspace");
  }
}
