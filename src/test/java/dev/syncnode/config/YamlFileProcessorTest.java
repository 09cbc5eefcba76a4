package dev.syncnode.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The config format: parse errors become a value, and an unchanged file is not parsed again. */
class YamlFileProcessorTest {
  final Vertx vertx = Vertx.vertx();
  final YamlFileProcessor processor = new YamlFileProcessor();
  final JsonObject store = new JsonObject().put("path", "/etc/syncnode/config.yml");

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  JsonObject process(Future<JsonObject> f) throws Exception {
    return f.await(10, TimeUnit.SECONDS);
  }

  @Test
  void theSameTextIsAnsweredFromThePreviousParseAsAnIndependentCopy() throws Exception {
    Buffer text = Buffer.buffer("node:\n  role: worker\nsync:\n  useGrpc: true\n");
    Future<JsonObject> first = processor.process(vertx, store, text);
    JsonObject a = process(first);
    assertEquals("worker", a.getJsonObject("node").getString("role"));

    Future<JsonObject> second = processor.process(vertx, store, text.copy());
    assertTrue(second.isComplete(), "no parse on a worker thread for an unchanged file");
    JsonObject b = process(second);
    assertEquals(a, b);
    b.getJsonObject("node").put("role", "master");
    assertEquals("worker", process(processor.process(vertx, store, text)).getJsonObject("node").getString("role"),
        "a caller changing its result does not change the next one");

    Future<JsonObject> edited = processor.process(vertx, store, Buffer.buffer("node:\n  role: master\n"));
    assertEquals("master", process(edited).getJsonObject("node").getString("role"));
    Future<JsonObject> otherFile = processor.process(vertx, new JsonObject().put("path", "/other.yml"),
        Buffer.buffer("node:\n  role: master\n"));
    assertEquals("master", process(otherFile).getJsonObject("node").getString("role"));
  }

  @Test
  void aFileThatDoesNotParseBecomesTheErrorValueEveryTime() throws Exception {
    Buffer bad = Buffer.buffer("node: [unclosed\n");
    JsonObject a = process(processor.process(vertx, store, bad));
    JsonObject b = process(processor.process(vertx, store, bad));
    assertTrue(a.containsKey(YamlFileProcessor.ERROR_KEY), a.encode());
    assertEquals(a, b);
  }
}
