package dev.syncnode.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.syncnode.config.NodeConfig;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class TaskTableTest {
  static final NodeInfo W = new NodeInfo("n1", "worker-1", NodeConfig.Role.WORKER, null, "http://h:1", 0, 0);

  static Task task(String id) {
    return Task.pending(id, "s", false, 0);
  }

  @Test
  void fullTableEvictsOldestFinishedTask() {
    TaskTable t = new TaskTable(3, 1000);
    assertTrue(t.add(task("a")));
    assertTrue(t.add(task("b")));
    assertTrue(t.add(task("c")));
    t.update(t.get("b").running(W, 1).succeeded(new JsonObject(), 2));
    t.update(t.get("c").running(W, 1).failed("x", 2));
    assertTrue(t.add(task("d")));
    assertNull(t.get("b"), "oldest finished evicted");
    assertNotNull(t.get("a"), "unfinished kept");
    assertNotNull(t.get("c"));
    assertEquals(3, t.size());
  }

  @Test
  void tableFullOfUnfinishedTasksRefuses() {
    TaskTable t = new TaskTable(2, 1000);
    assertTrue(t.add(task("a")));
    assertTrue(t.add(task("b")));
    assertFalse(t.add(task("c")));
    assertEquals(List.of("a", "b"), t.unfinished().stream().map(Task::id).toList());
  }

  @Test
  void finishedTasksExpire() {
    TaskTable t = new TaskTable(10, 1000);
    t.add(task("a"));
    t.add(task("b"));
    t.update(t.get("a").running(W, 10).succeeded(new JsonObject(), 100));
    assertEquals(0, t.expire(1100));
    assertEquals(1, t.expire(1101));
    assertNull(t.get("a"));
    assertNotNull(t.get("b"));
  }

  @Test
  void unfinishedTracksStatus() {
    TaskTable t = new TaskTable(10, 1000);
    t.add(task("a"));
    Task running = t.get("a").running(W, 1);
    t.update(running);
    assertEquals(1, running.attempt());
    assertEquals("worker-1", running.nodeKey());
    assertEquals(List.of(running), t.unfinished());
    t.update(running.requeued(2));
    assertEquals(Task.Status.PENDING, t.unfinished().get(0).status());
    t.update(t.get("a").failed("gone", 3));
    assertTrue(t.unfinished().isEmpty());
    t.update(task("zzz")); // unknown ids are ignored
    assertNull(t.get("zzz"));
  }

  @Test
  void taskJsonFollowsContract() {
    Task t = task("a").running(W, 1).succeeded(new JsonObject().put("files", 3), 2);
    JsonObject o = t.toJson();
    assertEquals("a", o.getString("id"));
    assertEquals("s", o.getString("spiderId"));
    assertEquals("worker-1", o.getString("nodeKey"));
    assertEquals("succeeded", o.getString("status"));
    assertEquals(3, o.getJsonObject("report").getInteger("files"));
    assertFalse(o.containsKey("error"));
    JsonObject f = task("b").failed("boom", 1).toJson();
    assertEquals("failed", f.getString("status"));
    assertEquals("boom", f.getString("error"));
    assertFalse(f.containsKey("report"));
  }

  static List<String> ids(TaskPage page) {
    return page.tasks().stream().map(Task::id).toList();
  }

  @Test
  void pagesRunNewestFirstAndSurviveEviction() {
    TaskTable t = new TaskTable(4, 1000);
    for (String id : List.of("a", "b", "c", "d")) {
      t.add(task(id));
    }
    t.update(t.get("a").running(W, 1).succeeded(new JsonObject(), 2));
    TaskPage first = t.page(new TaskQuery(null, null, null, 0, 2));
    assertEquals(List.of("d", "c"), ids(first));
    assertNotNull(first.nextCursor());
    assertTrue(t.add(task("e"))); // evicts "a", the only finished task
    TaskPage second = t.page(new TaskQuery(null, null, first.nextCursor(), 0, 2));
    assertEquals(List.of("b"), ids(second), "the cursor still points between c and b");
    assertNull(second.nextCursor());
    assertEquals(List.of("e", "d", "c", "b"), ids(t.page(new TaskQuery("s", Task.Status.PENDING, null, 0, 9))));
    assertEquals(List.of("c"), ids(t.page(new TaskQuery(null, null, null, 2, 1))));
    assertEquals(List.of(), ids(t.page(new TaskQuery("other", null, null, 0, 9))));
  }
}
