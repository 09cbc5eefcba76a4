package dev.syncnode.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class YamlConfigTest {

  @Test
  void emptyOrCommentOnlyIsAnEmptyObject() {
    assertEquals(new JsonObject(), YamlConfig.parse(""));
    assertEquals(new JsonObject(), YamlConfig.parse("\n  \n"));
    assertEquals(new JsonObject(), YamlConfig.parse("# all defaults\n# http: { port: 1 }\n"));
  }

  @Test
  void nestedMapsAndListsBecomeJson() {
    JsonObject j = YamlConfig.parse("sync:\n  ignore: [a, b]\n  http: { queueSize: 5 }\n");
    assertEquals(5, j.getJsonObject("sync").getJsonObject("http").getInteger("queueSize"));
    assertEquals("b", j.getJsonObject("sync").getJsonArray("ignore").getString(1));
  }

  @Test
  void badDocumentsAreOneLineErrors() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> YamlConfig.parse("http: [1,\n"));
    assertTrue(e.getMessage().startsWith("invalid YAML"), e.getMessage());
    assertTrue(!e.getMessage().contains("\n"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> YamlConfig.parse("- a\n- b\n"));
    assertThrows(IllegalArgumentException.class, () -> YamlConfig.parse("just text"));
  }

  @Test
  void readReportsThePath(@TempDir Path dir) throws Exception {
    Path missing = dir.resolve("nope.yml");
    assertEquals(missing.toString(), assertThrows(ConfigException.class, () -> YamlConfig.read(missing)).key());
    Path json = dir.resolve("c.json");
    Files.writeString(json, "{\"http\": {\"port\": 1}}");
    assertEquals(1, YamlConfig.read(json).getJsonObject("http").getInteger("port"));
    Files.writeString(json, "{\"http\": ");
    ConfigException e = assertThrows(ConfigException.class, () -> YamlConfig.read(json));
    assertTrue(e.detail().startsWith("invalid JSON"), e.detail());
  }
}
