package dev.syncnode.config;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Turns config file text into the JsonObject {@link ConfigLoader#load} reads. A file that is empty or
 * holds only comments is {@code {}}; a document that is not a mapping is an error. Blocking (CPU and,
 * for {@link #read}, disk): call it off the event loop or before Vert.x starts.
 */
public final class YamlConfig {
  private YamlConfig() {}

  /** Parses YAML (JSON is YAML too). Throws IllegalArgumentException with a one-line message. */
  public static JsonObject parse(String text) {
    Object doc;
    try {
      doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
    } catch (MarkedYAMLException e) {
      Mark at = e.getProblemMark();
      String where = at == null ? "" : " at line " + (at.getLine() + 1) + ", column " + (at.getColumn() + 1);
      String context = e.getContext() == null ? "" : " (" + oneLine(e.getContext()) + ")";
      throw new IllegalArgumentException("invalid YAML" + where + ": " + oneLine(e.getProblem()) + context, e);
    } catch (RuntimeException e) { // other YAMLExceptions
      throw new IllegalArgumentException("invalid YAML: " + oneLine(e.getMessage()), e);
    }
    if (doc == null) {
      return new JsonObject();
    }
    if (!(doc instanceof Map<?, ?> map)) {
      throw new IllegalArgumentException("invalid YAML: the document must be a mapping (key: value), not "
          + (doc instanceof List ? "a list" : "a single value"));
    }
    return toJson(map);
  }

  /**
   * Reads a config file: {@code .json} as JSON, anything else as YAML.
   *
   * @throws ConfigException keyed by the path when the file cannot be read or parsed
   */
  public static JsonObject read(Path file) {
    String name = file.toString();
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new ConfigException(name, "file not found", e);
    } catch (IOException e) {
      throw new ConfigException(name, "cannot read: " + e, e);
    }
    try {
      return parse(name, text);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(name, e.getMessage(), e);
    }
  }

  /** Parses file text: JSON when {@code fileName} ends with .json, YAML otherwise. */
  public static JsonObject parse(String fileName, String text) {
    return fileName.toLowerCase(Locale.ROOT).endsWith(".json") ? parseJson(text) : parse(text);
  }

  static JsonObject parseJson(String text) {
    if (text.isBlank()) {
      return new JsonObject();
    }
    try {
      return new JsonObject(text);
    } catch (DecodeException e) {
      throw new IllegalArgumentException("invalid JSON: " + oneLine(e.getMessage()), e);
    }
  }

  static String oneLine(String s) {
    return s == null ? "" : s.strip().replaceAll("\\s*\\R\\s*", " ");
  }

  private static JsonObject toJson(Map<?, ?> map) {
    JsonObject json = new JsonObject();
    map.forEach((k, v) -> json.put(String.valueOf(k), toJsonValue(v)));
    return json;
  }

  private static Object toJsonValue(Object v) {
    if (v instanceof Map<?, ?> m) {
      return toJson(m);
    }
    if (v instanceof List<?> l) {
      JsonArray a = new JsonArray();
      l.forEach(item -> a.add(toJsonValue(item)));
      return a;
    }
    if (v instanceof Date d) {
      return d.toInstant().toString();
    }
    if (v instanceof byte[] || v instanceof java.util.Set) { // !!binary, !!set: not config values
      return String.valueOf(v);
    }
    return v;
  }
}
