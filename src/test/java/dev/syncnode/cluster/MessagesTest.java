package dev.syncnode.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.syncnode.config.NodeConfig;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** Wire codecs, registry entries and request parsing: pure, without Vert.x instances. */
class MessagesTest {
  @Test
  void jsonCodecRoundTripsAtAnOffset() {
    JsonMessageCodec<TaskReply> codec = new JsonMessageCodec<>(TaskReply.class, TaskReply::toJson, TaskReply::fromJson);
    TaskReply reply = new TaskReply("t1", "worker-1", new JsonObject().put("files", 7).put("spiderId", "ä ü"));
    Buffer wire = Buffer.buffer("prefix");
    codec.encodeToWire(wire, reply);
    wire.appendString("trailer");
    assertEquals(reply, codec.decodeFromWire(6, wire));
    TaskReply local = codec.transform(reply);
    assertEquals(reply, local);
    assertNotSame(reply.report(), local.report());
    assertEquals("syncnode.json.TaskReply", codec.name());
    assertEquals(-1, codec.systemCodecID());
  }

  @Test
  void taskRequestJson() {
    TaskRequest r = new TaskRequest("t", "spider", 2);
    assertEquals(r, TaskRequest.fromJson(r.toJson()));
    assertEquals("spider", r.toJson().getString("spider_id"));
  }

  @Test
  void nodeInfoJson() {
    NodeInfo m = new NodeInfo("id", "master-1", NodeConfig.Role.MASTER, "127.0.0.1:9666", "http://127.0.0.1:8000", 5, 6);
    assertEquals(m, NodeInfo.fromJson(m.toJson()));
    assertEquals("master", m.toJson().getString("role"));
    NodeInfo w = new NodeInfo("id2", "w", NodeConfig.Role.WORKER, null, null, 5, 6);
    assertEquals(w, NodeInfo.fromJson(w.toJson()));
    assertNull(NodeRegistry.decode("{\"key\":\"x\"}"));
    assertNull(NodeRegistry.decode("not json"));
    assertEquals("up", NodeRegistry.status(m, 6 + NodeRegistry.STALE_MS));
    assertEquals("stale", NodeRegistry.status(m, 7 + NodeRegistry.STALE_MS));
  }

  @Test
  void taskSubmitParsing() {
    assertEquals(new TaskSubmit("s1", null), ClusterRoutes.parse(Buffer.buffer("{\"spider_id\":\"s1\"}")));
    assertEquals(new TaskSubmit("s1", "w"),
        ClusterRoutes.parse(Buffer.buffer("{\"spider_id\":\"s1\",\"node_key\":\"w\",\"extra\":1}")));
    assertEquals(new TaskSubmit("s1", null), ClusterRoutes.parse(Buffer.buffer("{\"spider_id\":\"s1\",\"node_key\":null}")));
    assertEquals(new TaskSubmit("s1", "w"), ClusterRoutes.parse(Buffer.buffer("{\"spiderId\":\"s1\",\"nodeKey\":\"w\"}")));
    assertEquals(new TaskSubmit("s1", "w"),
        ClusterRoutes.parse(Buffer.buffer("{\"spiderId\":\"s1\",\"spider_id\":\"s1\",\"node_key\":\"w\"}")));
    for (String bad : new String[] {"", "{", "[]", "\"s\"", "{}", "{\"spider_id\":\"\"}", "{\"spider_id\":1}",
        "{\"spider_id\":\"s\",\"node_key\":5}", "{\"spider_id\":\"s\",\"node_key\":\" \"}",
        "{\"spiderId\":\"\"}", "{\"spiderId\":\"a\",\"spider_id\":\"b\"}", "{\"spiderId\":\"s\",\"nodeKey\":7}"}) {
      assertThrows(IllegalArgumentException.class, () -> ClusterRoutes.parse(Buffer.buffer(bad)), bad);
    }
  }
}
