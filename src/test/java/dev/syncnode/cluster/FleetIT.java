package dev.syncnode.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.syncnode.cluster.fleet.FleetAddresses;
import dev.syncnode.cluster.fleet.FleetReport;
import dev.syncnode.it.Trees;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fleet view on a real cluster (master, three workers on loopback, shared by the tests; each test
 * uses its own spider): rows after a sync, convergence by push when the master's copy changes,
 * {@code sync.prefetch=false} (worker-3), forged reports, nodes leaving.
 */
class FleetIT {
  @TempDir static Path tmp;
  static TestCluster cluster;
  static TestCluster.Node master;
  static TestCluster.Node worker1;
  static TestCluster.Node worker2;
  static TestCluster.Node worker3;
  static Path spiders;

  @BeforeAll
  static void startCluster() throws Exception {
    spiders = Files.createDirectories(tmp.resolve("master"));
    cluster = new TestCluster();
    master = cluster.master(spiders);
    worker1 = cluster.worker("worker-1", Files.createDirectories(tmp.resolve("w1")));
    worker2 = cluster.worker("worker-2", Files.createDirectories(tmp.resolve("w2")));
    worker3 = cluster.worker("worker-3", Files.createDirectories(tmp.resolve("w3")));
    worker3.config.set(worker3.config.get().withSync(worker3.config.get().sync().withPrefetch(false)));
    TestCluster.await(cluster.eventually(() -> cluster.nodeKeysAsync(master).map(keys -> keys.size() == 4),
        "4 nodes in the registry"));
  }

  @AfterAll
  static void stopCluster() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  static void syncOn(String spider, TestCluster.Node... workers) throws Exception {
    for (TestCluster.Node w : workers) {
      HttpResponse<Buffer> r = cluster.post(master, "/api/tasks",
          new JsonObject().put("spiderId", spider).put("nodeKey", w.key).encode());
      assertEquals(202, r.statusCode(), r.bodyAsString());
      JsonObject task = cluster.awaitTask(master, r.bodyAsJsonObject().getString("id"), "succeeded", "failed");
      assertEquals("succeeded", task.getString("status"), task.encode());
    }
  }

  static Future<JsonObject> spiderNodes(String spider) {
    return cluster.send(master, HttpMethod.GET, "/api/spiders/" + spider + "/nodes", null)
        .map(HttpResponse::bodyAsJsonObject);
  }

  static Map<String, JsonObject> byKey(JsonObject answer) {
    Map<String, JsonObject> out = new HashMap<>();
    for (Object o : answer.getJsonArray("nodes")) {
      out.put(((JsonObject) o).getString("nodeKey"), (JsonObject) o);
    }
    return out;
  }

  /** Waits until the spider's rows satisfy {@code ok}; answers the last answer. */
  static JsonObject awaitRows(String spider, Predicate<JsonObject> ok, String what) throws Exception {
    JsonObject[] last = new JsonObject[1];
    try {
      TestCluster.await(cluster.eventually(() -> spiderNodes(spider).map(a -> {
        last[0] = a;
        return ok.test(a);
      }), what));
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "; last seen " + last[0], e);
    }
    return last[0];
  }

  static boolean states(JsonObject answer, Map<String, String> expected) {
    Map<String, JsonObject> rows = byKey(answer);
    if (!rows.keySet().equals(expected.keySet())) {
      return false;
    }
    return expected.entrySet().stream().allMatch(e -> e.getValue().equals(rows.get(e.getKey()).getString("state")));
  }

  @Test
  void rowsAfterSyncThenEveryHolderConvergesWithoutARequest() throws Exception {
    Path spider = spiders.resolve("push");
    Trees.sampleSpider(spider);
    syncOn("push", worker1, worker2, worker3);
    JsonObject before = awaitRows("push", a -> states(a, Map.of("worker-1", "in_sync", "worker-2", "in_sync",
        "worker-3", "in_sync")), "three rows in sync");
    String oldDigest = before.getString("digest");
    assertNotNull(oldDigest);
    assertEquals(7, before.getLong("files"), before.encode());
    assertTrue(before.getLong("bytes") > 0, before.encode());
    JsonObject row = byKey(before).get("worker-1");
    assertEquals(oldDigest, row.getString("digest"));
    assertEquals("grpc", row.getString("transport"));
    assertTrue(row.getLong("lastSyncAt") > 0, row.encode());
    assertFalse(row.containsKey("error"), row.encode());

    Trees.write(spider, "main.py", "print('changed on the master')\n");
    JsonObject after = awaitRows("push", a -> !oldDigest.equals(a.getString("digest"))
        && states(a, Map.of("worker-1", "in_sync", "worker-2", "in_sync", "worker-3", "stale")),
        "worker-1 and worker-2 in sync with the new digest by themselves, worker-3 (prefetch off) stale");
    assertEquals("print('changed on the master')\n", Files.readString(worker1.workspace().resolve("push/main.py")));
    assertEquals("print('changed on the master')\n", Files.readString(worker2.workspace().resolve("push/main.py")));
    assertNotEquals("print('changed on the master')\n",
        Files.readString(worker3.workspace().resolve("push/main.py")), "worker-3 has sync.prefetch off");
    assertEquals(oldDigest, byKey(after).get("worker-3").getString("digest"));

    JsonObject fleet = cluster.get(master, "/api/fleet").bodyAsJsonObject();
    JsonObject pushed = fleet.getJsonArray("spiders").stream().map(JsonObject.class::cast)
        .filter(s -> s.getString("spiderId").equals("push")).findFirst().orElseThrow();
    assertEquals(after.getString("digest"), pushed.getString("digest"));
    assertEquals(2, pushed.getInteger("nodesInSync"), pushed.encode());
    assertEquals(3, pushed.getJsonArray("nodes").size());
    assertTrue(fleet.getJsonArray("recentSyncs").size() >= 5, fleet.encode());
    JsonObject newest = fleet.getJsonArray("recentSyncs").getJsonObject(0);
    assertTrue(Set.of("succeeded", "failed").contains(newest.getString("outcome")), newest.encode());
    Map<String, JsonObject> nodes = new HashMap<>();
    fleet.getJsonArray("nodes").forEach(o -> nodes.put(((JsonObject) o).getString("key"), (JsonObject) o));
    assertTrue(nodes.keySet().containsAll(Set.of("master-1", "worker-1", "worker-2", "worker-3")), fleet.encode());
    assertEquals("up", nodes.get("worker-1").getString("status"));
    assertNotNull(nodes.get("worker-1").getString("version"));

    JsonObject list = cluster.get(master, "/api/spiders").bodyAsJsonObject();
    assertTrue(list.getJsonArray("spiders").contains("push"), list.encode());
    JsonObject detail = list.getJsonArray("details").stream().map(JsonObject.class::cast)
        .filter(s -> s.getString("spiderId").equals("push")).findFirst().orElseThrow();
    assertEquals(2, detail.getInteger("nodesInSync"), detail.encode());
    assertEquals(3, detail.getInteger("nodes"), detail.encode());
  }

  @Test
  void aWorkerThatNeverHeldTheSpiderDoesNothing() throws Exception {
    Path spider = spiders.resolve("solo");
    Trees.write(spider, "a.txt", "one\n");
    syncOn("solo", worker1);
    String first = awaitRows("solo", a -> states(a, Map.of("worker-1", "in_sync")), "worker-1 in sync")
        .getString("digest");
    Trees.write(spider, "a.txt", "two, longer\n");
    awaitRows("solo", a -> !first.equals(a.getString("digest")) && states(a, Map.of("worker-1", "in_sync")),
        "worker-1 in sync again by itself");
    assertEquals("two, longer\n", Files.readString(worker1.workspace().resolve("solo/a.txt")));
    assertFalse(Files.exists(worker2.workspace().resolve("solo")));
  }

  @Test
  void unknownSpiderIs404AndTheRouteNeedsAValidId() throws Exception {
    HttpResponse<Buffer> r = cluster.get(master, "/api/spiders/nope/nodes");
    assertEquals(404, r.statusCode(), r.bodyAsString());
    assertNotNull(r.bodyAsJsonObject().getString("error"));
    HttpResponse<Buffer> bad = cluster.get(master, "/api/spiders/..%2Fx/nodes");
    assertEquals(400, bad.statusCode(), bad.bodyAsString());
  }

  @Test
  void aForgedReportCannotChangeAnotherNodesRow() throws Exception {
    Trees.write(spiders.resolve("forged"), "a.txt", "real\n");
    syncOn("forged", worker1);
    JsonObject real = awaitRows("forged", a -> states(a, Map.of("worker-1", "in_sync")), "worker-1 in sync");
    String fake = "0".repeat(64);
    // worker-2 claims to be worker-1 holding another digest, then reports a row of its own: the bus keeps
    // one sender's messages in order, so once its own row is filed the forged one was judged
    worker2.vertx.eventBus().publish(FleetAddresses.REPORT, new FleetReport("worker-1", true,
        List.of(new FleetReport.Row("forged", fake, FleetReport.Phase.HELD, 1, 0, "grpc", null))));
    worker2.vertx.eventBus().publish(FleetAddresses.REPORT, new FleetReport("worker-2", false,
        List.of(new FleetReport.Row("forged", fake, FleetReport.Phase.SUCCEEDED, 2, 1, "grpc", null))));
    JsonObject after = awaitRows("forged", a -> byKey(a).containsKey("worker-2"), "worker-2's own row");
    assertEquals("stale", byKey(after).get("worker-2").getString("state"), after.encode());
    assertEquals(byKey(real).get("worker-1"), byKey(after).get("worker-1"), "worker-1's row is untouched");
    JsonArray recent = cluster.get(master, "/api/fleet").bodyAsJsonObject().getJsonArray("recentSyncs");
    assertTrue(recent.stream().map(JsonObject.class::cast).noneMatch(s -> s.getString("spiderId").equals("forged")
        && s.getString("nodeKey").equals("worker-1") && s.getLong("at") == 1), recent.encode());
  }

  @Test
  void aNodeThatLeavesLosesItsRows() throws Exception {
    Trees.write(spiders.resolve("leaving"), "a.txt", "a\n");
    TestCluster.Node worker4 = cluster.worker("worker-4", Files.createDirectories(tmp.resolve("w4")));
    syncOn("leaving", worker4, worker1);
    awaitRows("leaving", a -> states(a, Map.of("worker-1", "in_sync", "worker-4", "in_sync")), "two rows");
    cluster.close(worker4);
    awaitRows("leaving", a -> states(a, Map.of("worker-1", "in_sync")), "worker-4's row dropped");
    // back with the same workspace: its join snapshot says what it holds, without a sync
    TestCluster.Node again = cluster.worker("worker-4", tmp.resolve("w4"));
    JsonObject back = awaitRows("leaving", a -> states(a, Map.of("worker-1", "in_sync", "worker-4", "in_sync")),
        "worker-4 in sync from its join snapshot");
    assertEquals(null, byKey(back).get("worker-4").getString("transport"), "no sync ran: " + back.encode());
    cluster.close(again);
  }
}
