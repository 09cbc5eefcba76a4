package dev.syncnode.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.syncnode.config.ConfigHolder;
import dev.syncnode.config.NodeConfig;
import dev.syncnode.it.Trees;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Nodes leaving and dying: a fresh cluster per test. */
class ClusterFailoverIT {
  @TempDir Path tmp;
  TestCluster cluster;
  TestCluster.Node master;
  Path spiders;

  @BeforeEach
  void setUp() throws Exception {
    spiders = Files.createDirectories(tmp.resolve("master"));
    Trees.sampleSpider(spiders.resolve("spider1"));
    cluster = new TestCluster();
    master = cluster.master(spiders);
  }

  @AfterEach
  void tearDown() throws Exception {
    cluster.close();
  }

  void awaitNodes(List<String> keys) throws Exception {
    TestCluster.await(cluster.eventually(() -> cluster.nodeKeysAsync(master).map(keys::equals), "nodes " + keys));
  }

  /**
   * A worker that accepts tasks and never finishes them: a clustered Vert.x that announces itself as
   * worker {@code key} in the registry and consumes its task address without replying.
   */
  static final class StuckWorker {
    final Vertx vertx;
    final Promise<TaskRequest> received = Promise.promise();

    StuckWorker(TestCluster cluster, String key, Path workspace) throws Exception {
      NodeConfig c = cluster.config(NodeConfig.Role.WORKER, key, workspace);
      vertx = TestCluster.await(ClusterSupport.clusteredVertx(c));
      ClusterCodecs.register(vertx);
      TestCluster.await(vertx.eventBus().<TaskRequest>consumer(ClusterAddresses.task(key),
          msg -> received.tryComplete(msg.body())).completion());
      TestCluster.await(vertx.deployVerticle(new NodeRegistryVerticle(new ConfigHolder(c), -1, 1)));
    }

    /** Crash: stop Hazelcast without leaving the cluster, as a killed process would. */
    void kill() {
      ((HazelcastClusterManager) ClusterSupport.managerOf(vertx)).getHazelcastInstance().getLifecycleService()
          .terminate();
    }

    void close() {
      try {
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        // after kill() the node cannot leave cleanly
      }
    }
  }

  @Test
  void closedWorkerDisappearsFromRegistry() throws Exception {
    cluster.worker("worker-1", Files.createDirectories(tmp.resolve("w1")));
    TestCluster.Node w2 = cluster.worker("worker-2", Files.createDirectories(tmp.resolve("w2")));
    awaitNodes(List.of("master-1", "worker-1", "worker-2"));
    cluster.close(w2);
    awaitNodes(List.of("master-1", "worker-1"));
    // tasks now all go to the remaining worker
    for (int i = 0; i < 2; i++) {
      String id = cluster.post(master, "/api/tasks", "{\"spider_id\":\"spider1\"}").bodyAsJsonObject().getString("id");
      JsonObject task = cluster.awaitTask(master, id, "succeeded", "failed");
      assertEquals("succeeded", task.getString("status"), task.encode());
      assertEquals("worker-1", task.getString("nodeKey"));
    }
  }

  @Test
  void killedWorkerDisappearsAndItsTaskFails() throws Exception {
    StuckWorker stuck = new StuckWorker(cluster, "stuck-1", Files.createDirectories(tmp.resolve("stuck")));
    try {
      awaitNodes(List.of("master-1", "stuck-1"));
      String id = cluster.post(master, "/api/tasks", "{\"spider_id\":\"spider1\",\"node_key\":\"stuck-1\"}")
          .bodyAsJsonObject().getString("id");
      assertEquals(id, TestCluster.await(stuck.received.future()).taskId());
      assertEquals("running", cluster.awaitTask(master, id, "running").getString("status"));
      stuck.kill();
      // Hazelcast notices the missing heartbeats (max-no-heartbeat 6 s): the node leaves the registry
      awaitNodes(List.of("master-1"));
      JsonObject task = cluster.awaitTask(master, id, "succeeded", "failed");
      assertEquals("failed", task.getString("status"), task.encode());
      assertTrue(task.getString("error").contains("stuck-1"), task.encode());
      assertTrue(task.getString("error").contains("left the cluster"), task.encode());
    } finally {
      stuck.close();
    }
  }

  @Test
  void taskOfLostWorkerIsDispatchedOnceMore() throws Exception {
    StuckWorker stuck = new StuckWorker(cluster, "stuck-1", Files.createDirectories(tmp.resolve("stuck")));
    try {
      awaitNodes(List.of("master-1", "stuck-1"));
      String id = cluster.post(master, "/api/tasks", "{\"spider_id\":\"spider1\"}").bodyAsJsonObject().getString("id");
      assertEquals(id, TestCluster.await(stuck.received.future()).taskId());
      TestCluster.Node w1 = cluster.worker("worker-1", Files.createDirectories(tmp.resolve("w1")));
      awaitNodes(List.of("master-1", "stuck-1", "worker-1"));
      assertEquals("running", cluster.awaitTask(master, id, "running").getString("status"));
      stuck.close();
      JsonObject task = cluster.awaitTask(master, id, "succeeded", "failed");
      assertEquals("succeeded", task.getString("status"), task.encode());
      assertEquals("worker-1", task.getString("nodeKey"));
      assertEquals(2, task.getInteger("attempts"));
      assertEquals(Trees.describe(spiders.resolve("spider1"), Trees::notIgnored),
          Trees.describe(w1.workspace().resolve("spider1")));
    } finally {
      stuck.close();
    }
  }

  @Test
  void noWorkerMeansServiceUnavailable() throws Exception {
    var r = cluster.post(master, "/api/tasks", "{\"spider_id\":\"spider1\"}");
    assertEquals(503, r.statusCode(), r.bodyAsString());
    assertFalse(r.bodyAsJsonObject().getString("error").isBlank());
  }
}
