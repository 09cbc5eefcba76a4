package dev.syncnode.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.syncnode.config.ConfigKeys.Key;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The declared keys against what operators read: the README's config table and conf/config.yml. */
class ConfigKeysTest {
  private static final String TABLE_HEADER = "| key | default | environment variable | hot |";
  private static final Pattern FIRST_CODE = Pattern.compile("`([^`]*)`");

  /** README rows by key: the cells after the key (default, environment variable, hot). */
  private static Map<String, List<String>> readmeRows() throws IOException {
    List<String> lines = Files.readAllLines(Path.of("README.md"));
    int at = lines.indexOf(TABLE_HEADER);
    assertTrue(at >= 0, "README.md has no config table " + TABLE_HEADER);
    Map<String, List<String>> rows = new LinkedHashMap<>();
    for (String line : lines.subList(at + 2, lines.size())) {
      if (!line.startsWith("|")) {
        break;
      }
      List<String> cells = new ArrayList<>();
      for (String c : line.substring(1, line.length() - 1).split(" \\| ")) {
        cells.add(c.trim());
      }
      assertEquals(4, cells.size(), "README row: " + line);
      String key = cells.get(0).replace("`", "");
      assertFalse(rows.containsKey(key), "README lists " + key + " twice");
      rows.put(key, cells.subList(1, 4));
    }
    return rows;
  }

  private static String firstCode(String cell) {
    Matcher m = FIRST_CODE.matcher(cell);
    return m.find() ? m.group(1) : cell;
  }

  @Test
  void readmeTableMatchesTheDeclaredKeys() throws IOException {
    Map<String, List<String>> rows = readmeRows();
    for (Key k : ConfigKeys.ALL) {
      List<String> row = rows.get(k.path());
      assertTrue(row != null, "README config table has no row for " + k.path());
      String readmeDefault = firstCode(row.get(0));
      assertEquals(k.def(), k.parser().apply(readmeDefault.equals("\"\"") ? "" : readmeDefault),
          "README default of " + k.path() + ": " + readmeDefault);
      if (k.workerDefault() != null) {
        assertTrue(row.get(0).contains("`" + k.workerDefault() + "`"),
            "README default of " + k.path() + " must name the worker's " + k.workerDefault());
      }
      assertEquals("`" + k.envName() + "`", row.get(1), "README environment variable of " + k.path());
      assertEquals(k.hot() ? "yes" : "no", row.get(2), "README hot flag of " + k.path());
    }
    List<String> undeclared = new ArrayList<>(rows.keySet());
    undeclared.removeAll(ConfigLoader.KEYS);
    assertEquals(List.of(), undeclared, "README config table rows for keys that are not declared");
  }

  /** conf/config.yml names every key (a commented-out one counts) and, where set, its default. */
  @Test
  void confFileStatesTheDeclaredKeysAndDefaults() throws IOException {
    Path file = Path.of("conf/config.yml");
    String text = Files.readString(file);
    JsonObject raw = YamlConfig.parse(text);
    assertEquals(List.of(), ConfigLoader.unknownKeys(raw, Map.of()), "keys in conf/config.yml that are not declared");
    Map<String, Object> defaults = ConfigKeys.flatten(NodeConfig.defaults());
    Map<String, Object> loaded = ConfigKeys.flatten(ConfigLoader.load(raw, Map.of()));
    Map<String, Object> set = new LinkedHashMap<>();
    flattenRaw("", raw.getMap(), set);
    for (String key : ConfigLoader.KEYS) {
      String leaf = key.substring(key.lastIndexOf('.') + 1);
      assertTrue(set.containsKey(key) || Pattern.compile("(?m)^\\s*#\\s*" + leaf + ":").matcher(text).find(),
          "conf/config.yml does not mention " + key);
      assertEquals(defaults.get(key), loaded.get(key), "conf/config.yml must state the default of " + key);
    }
  }

  @SuppressWarnings("unchecked")
  private static void flattenRaw(String prefix, Map<String, Object> map, Map<String, Object> out) {
    for (Map.Entry<String, Object> e : map.entrySet()) {
      Object v = e.getValue() instanceof JsonObject j ? j.getMap() : e.getValue();
      if (v instanceof Map<?, ?> m) {
        flattenRaw(prefix + e.getKey() + ".", (Map<String, Object>) m, out);
      } else {
        out.put(prefix + e.getKey(), v);
      }
    }
  }

  @Test
  void keysAreTheLeavesOfTheConfigRecords() {
    assertEquals(ConfigLoader.KEYS, List.copyOf(ConfigKeys.flatten(NodeConfig.defaults()).keySet()));
    for (Key k : ConfigKeys.ALL) {
      assertFalse(k.help().isBlank(), "help of " + k.path());
      assertEquals(k.def(), ConfigKeys.flatten(NodeConfig.defaults()).get(k.path()), k.path());
    }
  }

  @Test
  void envErrorsNameTheVariable() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(null, Map.of("SYNCNODE_HTTP_MAXCONNECTIONS", "0")));
    assertEquals("http.maxConnections", e.key());
    assertEquals("must be a positive number, got 0 (from the environment variable SYNCNODE_HTTP_MAXCONNECTIONS)",
        e.detail());
  }
}
