package dev.syncnode.transport.http;

import dev.syncnode.manifest.EntryType;
import dev.syncnode.manifest.FileEntry;
import dev.syncnode.manifest.Manifest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSON form of a manifest on the HTTP transport:
 * {@code {"spiderId","path","digest","total","entries":[{"path","type","size","mode","mtime","hash","target"?}]}}.
 * The writer side produces it in pieces ({@link #head}, {@link #entry}, {@link #TAIL}); the reader
 * side parses a complete body and rejects anything that does not have exactly this shape.
 */
final class ManifestJson {
  static final String TAIL = "]}";

  private ManifestJson() {}

  /** Everything before the first entry, ending with the opening bracket of the entries array. */
  static String head(Manifest m) {
    String fields = new JsonObject()
        .put("spiderId", m.spiderId())
        .put("path", m.path() == null ? "" : m.path())
        .put("digest", m.digest())
        .put("total", m.total())
        .encode();
    return fields.substring(0, fields.length() - 1) + ",\"entries\":[";
  }

  static JsonObject entry(FileEntry e) {
    JsonObject o = new JsonObject()
        .put("path", e.path())
        .put("type", e.type().wireName())
        .put("size", e.size())
        .put("mode", e.mode())
        .put("mtime", e.mtime())
        .put("hash", e.hash());
    if (!e.target().isEmpty()) {
      o.put("target", e.target());
    }
    return o;
  }

  /**
   * Parses a manifest body.
   *
   * @throws IllegalArgumentException naming what is wrong (missing field, wrong type, count mismatch)
   */
  static Manifest parse(JsonObject body) {
    JsonArray array = require(body.getValue("entries"), JsonArray.class, "entries");
    long total = require(body.getValue("total"), Number.class, "total").longValue();
    if (total != array.size()) {
      throw new IllegalArgumentException("manifest has " + array.size() + " entries, announced " + total);
    }
    List<FileEntry> entries = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      JsonObject o = require(array.getValue(i), JsonObject.class, "entries[" + i + "]");
      entries.add(new FileEntry(
          require(o.getValue("path"), String.class, "path"),
          EntryType.fromWireName(require(o.getValue("type"), String.class, "type")),
          require(o.getValue("size"), Number.class, "size").longValue(),
          require(o.getValue("mode"), Number.class, "mode").intValue(),
          require(o.getValue("mtime"), Number.class, "mtime").longValue(),
          optional(o.getValue("hash"), "hash"),
          optional(o.getValue("target"), "target")));
    }
    entries.sort(Manifest.BY_PATH);
    String spiderId = optional(body.getValue("spiderId"), "spiderId");
    String path = optional(body.getValue("path"), "path");
    String digest = require(body.getValue("digest"), String.class, "digest");
    return new Manifest(spiderId, path, entries, digest);
  }

  private static <T> T require(Object value, Class<T> type, String name) {
    if (!type.isInstance(value)) {
      throw new IllegalArgumentException("field " + name + " missing or not a " + type.getSimpleName());
    }
    return type.cast(value);
  }

  private static String optional(Object value, String name) {
    return value == null ? "" : require(value, String.class, name);
  }
}
