package dev.syncnode.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.syncnode.it.Trees;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A master and two workers, each a clustered Vert.x on loopback in a cluster of its own random name,
 * shared by the tests of this class. Each test uses its own spider. Workers have no usable
 * {@code master} config: they find the master through the cluster.
 */
class ClusterModeIT {
  @TempDir static Path tmp;
  static TestCluster cluster;
  static TestCluster.Node master;
  static TestCluster.Node worker1;
  static TestCluster.Node worker2;
  static Path spiders;

  @BeforeAll
  static void startCluster() throws Exception {
    spiders = Files.createDirectories(tmp.resolve("master"));
    cluster = new TestCluster();
    master = cluster.master(spiders);
    worker1 = cluster.worker("worker-1", Files.createDirectories(tmp.resolve("w1")));
    worker2 = cluster.worker("worker-2", Files.createDirectories(tmp.resolve("w2")));
    TestCluster.await(cluster.eventually(() -> cluster.nodeKeysAsync(master).map(keys -> keys.size() == 3),
        "3 nodes in the registry"));
  }

  @AfterAll
  static void stopCluster() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  static String submit(String body) throws Exception {
    HttpResponse<Buffer> r = cluster.post(master, "/api/tasks", body);
    assertEquals(202, r.statusCode(), r.bodyAsString());
    JsonObject o = r.bodyAsJsonObject();
    assertNotNull(o.getString("id"));
    assertTrue(Set.of("pending", "running").contains(o.getString("status")), o.encode());
    return o.getString("id");
  }

  static void assertExactCopy(String spider, TestCluster.Node worker) throws Exception {
    assertEquals(Trees.describe(spiders.resolve(spider), Trees::notIgnored),
        Trees.describe(worker.workspace().resolve(spider)), "copy of " + spider + " on " + worker.key);
  }

  @Test
  void registryListsMasterAndBothWorkers() throws Exception {
    JsonArray nodes = cluster.nodes(master);
    Map<String, JsonObject> byKey = new HashMap<>();
    for (Object o : nodes) {
      byKey.put(((JsonObject) o).getString("key"), (JsonObject) o);
    }
    assertEquals(Set.of("master-1", "worker-1", "worker-2"), byKey.keySet());
    assertEquals("master", byKey.get("master-1").getString("role"));
    assertEquals("worker", byKey.get("worker-1").getString("role"));
    assertEquals("worker", byKey.get("worker-2").getString("role"));
    for (JsonObject n : byKey.values()) {
      assertEquals("up", n.getString("status"), n.encode());
      assertTrue(n.getLong("lastSeen") > 0, n.encode());
    }
    assertEquals("127.0.0.1:" + master.verticle.grpcPort(), byKey.get("master-1").getString("grpc"));
    assertEquals("http://127.0.0.1:" + master.httpPort(), byKey.get("master-1").getString("http"));
  }

  @Test
  void taskToNamedWorker() throws Exception {
    Trees.sampleSpider(spiders.resolve("named"));
    String id = submit("{\"spiderId\":\"named\",\"nodeKey\":\"worker-2\"}");
    JsonObject task = cluster.awaitTask(master, id, "succeeded", "failed");
    assertEquals("succeeded", task.getString("status"), task.encode());
    assertEquals("worker-2", task.getString("nodeKey"));
    assertEquals("named", task.getString("spiderId"));
    assertFalse(task.containsKey("spider_id") || task.containsKey("node_key"), "camelCase only: " + task.encode());
    assertEquals(id, task.getString("id"));
    JsonObject report = task.getJsonObject("report");
    assertEquals("grpc", report.getString("transport"));
    assertEquals(7, report.getLong("files"));
    assertExactCopy("named", worker2);
    assertFalse(Files.exists(worker1.workspace().resolve("named")));
  }

  @Test
  void tasksWithoutNodeKeyGoRoundRobin() throws Exception {
    Trees.write(spiders.resolve("rr"), "a.txt", "a\n");
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      ids.add(submit("{\"spider_id\":\"rr\"}"));
    }
    Map<String, Integer> perWorker = new HashMap<>();
    for (String id : ids) {
      JsonObject task = cluster.awaitTask(master, id, "succeeded", "failed");
      assertEquals("succeeded", task.getString("status"), task.encode());
      perWorker.merge(task.getString("nodeKey"), 1, Integer::sum);
    }
    assertEquals(Map.of("worker-1", 2, "worker-2", 2), perWorker);
    assertExactCopy("rr", worker1);
    assertExactCopy("rr", worker2);
  }

  @Test
  void fiftyConcurrentTasksForOneSpider() throws Exception {
    Path spider = spiders.resolve("load");
    Trees.sampleSpider(spider);
    for (int i = 0; i < 40; i++) {
      Trees.write(spider, "data/part-" + i + ".bin", ("payload " + i + "\n").repeat(500 + i));
    }
    double scansBefore = master.metrics.scansTotal();
    List<Future<HttpResponse<Buffer>>> posts = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      posts.add(cluster.send(master, HttpMethod.POST, "/api/tasks", Buffer.buffer("{\"spider_id\":\"load\"}")));
    }
    List<String> ids = new ArrayList<>();
    for (HttpResponse<Buffer> r : TestCluster.await(Future.all(posts)).<HttpResponse<Buffer>>list()) {
      assertEquals(202, r.statusCode(), r.bodyAsString());
      ids.add(r.bodyAsJsonObject().getString("id"));
    }
    assertEquals(50, Set.copyOf(ids).size());
    Map<String, Integer> perWorker = new HashMap<>();
    for (String id : ids) {
      JsonObject task = cluster.awaitTask(master, id, "succeeded", "failed");
      assertEquals("succeeded", task.getString("status"), task.encode());
      assertEquals(47, task.getJsonObject("report").getLong("files"));
      perWorker.merge(task.getString("nodeKey"), 1, Integer::sum);
    }
    assertEquals(Map.of("worker-1", 25, "worker-2", 25), perWorker);
    assertEquals(1.0, master.metrics.scansTotal() - scansBefore, "directory walks on the master");
    assertExactCopy("load", worker1);
    assertExactCopy("load", worker2);
  }

  @Test
  void unknownSpiderFailsWithClearError() throws Exception {
    String id = submit("{\"spider_id\":\"no-such-spider\"}");
    JsonObject task = cluster.awaitTask(master, id, "succeeded", "failed");
    assertEquals("failed", task.getString("status"), task.encode());
    assertTrue(task.getString("error").contains("no-such-spider"), task.encode());
    assertTrue(task.getString("error").contains("unknown spider"), task.encode());
    assertFalse(task.containsKey("report"));
  }

  @Test
  void badRequestsAreJsonErrors() throws Exception {
    assertError(cluster.post(master, "/api/tasks", "{not json"), 400);
    assertError(cluster.post(master, "/api/tasks", "[1,2]"), 400);
    assertError(cluster.post(master, "/api/tasks", "{}"), 400);
    assertError(cluster.post(master, "/api/tasks", "{\"spider_id\": 7}"), 400);
    assertError(cluster.post(master, "/api/tasks", "{\"spider_id\":\"x\",\"node_key\":\"\"}"), 400);
    assertError(cluster.post(master, "/api/tasks", "{\"spider_id\":\"../etc\"}"), 400);
    assertError(cluster.post(master, "/api/tasks", "{\"spider_id\":\"x\",\"node_key\":\"no-such-worker\"}"), 404);
    assertError(cluster.post(master, "/api/tasks", "{\"spider_id\":\"x\",\"node_key\":\"master-1\"}"), 404);
    assertError(cluster.get(master, "/api/tasks/does-not-exist"), 404);
  }

  static void assertError(HttpResponse<Buffer> r, int status) {
    assertEquals(status, r.statusCode(), r.bodyAsString());
    assertTrue(r.getHeader("Content-Type").startsWith("application/json"), r.getHeader("Content-Type"));
    assertNotNull(r.bodyAsJsonObject().getString("error"), r.bodyAsString());
  }

  @Test
  void tasksAreListedNewestFirstFilteredAndPaged() throws Exception {
    Trees.write(spiders.resolve("listed"), "a.txt", "a\n");
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      // both spellings are accepted in requests
      ids.add(submit(i % 2 == 0 ? "{\"spiderId\":\"listed\"}" : "{\"spider_id\":\"listed\"}"));
    }
    for (String id : ids) {
      assertEquals("succeeded", cluster.awaitTask(master, id, "succeeded", "failed").getString("status"));
    }
    List<String> newestFirst = new ArrayList<>(ids);
    java.util.Collections.reverse(newestFirst);

    List<String> seen = new ArrayList<>();
    String query = "/api/tasks?spiderId=listed&limit=2";
    JsonObject page = listTasks(query);
    for (int pages = 1; ; pages++) {
      for (Object o : page.getJsonArray("tasks")) {
        JsonObject t = (JsonObject) o;
        assertEquals("listed", t.getString("spiderId"), t.encode());
        assertNotNull(t.getString("nodeKey"), t.encode());
        assertFalse(t.containsKey("spider_id"), t.encode());
        seen.add(t.getString("id"));
      }
      if (!page.containsKey("nextCursor")) {
        assertEquals(3, pages);
        break;
      }
      assertEquals(2, page.getJsonArray("tasks").size());
      page = listTasks(query + "&cursor=" + page.getString("nextCursor"));
    }
    assertEquals(newestFirst, seen);

    assertEquals(newestFirst, idsOf(listTasks("/api/tasks?spider_id=listed&status=succeeded")));
    assertEquals(List.of(), idsOf(listTasks("/api/tasks?spiderId=listed&status=failed")));
    assertEquals(newestFirst.subList(2, 4), idsOf(listTasks("/api/tasks?spiderId=listed&offset=2&limit=2")));
    JsonObject all = listTasks("/api/tasks?limit=100000");
    assertEquals(500, all.getInteger("limit"));
    assertTrue(idsOf(all).containsAll(ids));
    assertEquals(50, listTasks("/api/tasks").getInteger("limit"));

    assertError(cluster.get(master, "/api/tasks?status=done"), 400);
    assertError(cluster.get(master, "/api/tasks?limit=0"), 400);
    assertError(cluster.get(master, "/api/tasks?limit=ten"), 400);
    assertError(cluster.get(master, "/api/tasks?offset=-1"), 400);
    assertError(cluster.get(master, "/api/tasks?cursor=not-a-cursor"), 400);
  }

  static JsonObject listTasks(String path) throws Exception {
    HttpResponse<Buffer> r = cluster.get(master, path);
    assertEquals(200, r.statusCode(), r.bodyAsString());
    return r.bodyAsJsonObject();
  }

  static List<String> idsOf(JsonObject page) {
    List<String> out = new ArrayList<>();
    for (Object o : page.getJsonArray("tasks")) {
      out.add(((JsonObject) o).getString("id"));
    }
    return out;
  }
}
