package dev.syncnode.transport.http;

import dev.syncnode.manifest.EntryType;
import dev.syncnode.manifest.FileEntry;
import dev.syncnode.manifest.Manifest;
import dev.syncnode.manifest.PathRules;
import dev.syncnode.manifest.Skipped;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSON form of a manifest on the HTTP transport:
 * {@code {"spiderId","path","digest","total","skipped":[{"path","reason"}],"skippedTotal",
 * "entries":[{"path","type","size","mode","mtime","hash","target"?}]}}.
 * The writer side produces it in pieces ({@link #head}, {@link #entry}, {@link #TAIL}); the worker
 * reads it as a stream ({@link ManifestStreamReader}), {@link #parse} reads a complete body.
 */
public final class ManifestJson {
  public static final String TAIL = "]}";

  /** The media type of a file body (download answers). */
  public static final String OCTET_STREAM = "application/octet-stream";

  private ManifestJson() {}

  /** Everything before the first entry, ending with the opening bracket of the entries array. */
  public static String head(Manifest m) {
    String fields = new JsonObject()
        .put("spiderId", m.spiderId())
        .put("path", m.path() == null ? "" : m.path())
        .put("digest", m.digest())
        .put("total", m.total())
        .put("skipped", skipped(m))
        .put("skippedTotal", m.skippedTotal())
        .encode();
    return fields.substring(0, fields.length() - 1) + ",\"entries\":[";
  }

  /** The first skipped entries, by name and reason. */
  static JsonArray skipped(Manifest m) {
    JsonArray a = new JsonArray();
    for (int i = 0; i < m.skipped().size() && i < Skipped.MAX_LISTED; i++) {
      a.add(new JsonObject().put("path", m.skipped().get(i).path()).put("reason", m.skipped().get(i).reason()));
    }
    return a;
  }

  /** One entry of the {@code entries} array. */
  public static FileEntry entryOf(JsonObject o) {
    return new FileEntry(
        require(o.getValue("path"), String.class, "path"),
        EntryType.fromWireName(require(o.getValue("type"), String.class, "type")),
        require(o.getValue("size"), Number.class, "size").longValue(),
        require(o.getValue("mode"), Number.class, "mode").intValue(),
        require(o.getValue("mtime"), Number.class, "mtime").longValue(),
        optional(o.getValue("hash"), "hash"),
        optional(o.getValue("target"), "target"));
  }

  /** One entry of the {@code skipped} array, made safe to log. */
  public static Skipped skippedOf(JsonObject o) {
    return new Skipped(PathRules.displaySafe(require(o.getValue("path"), String.class, "skipped path")),
        PathRules.displaySafe(require(o.getValue("reason"), String.class, "skipped reason")));
  }

  public static JsonObject entry(FileEntry e) {
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
  public static Manifest parse(JsonObject body) {
    JsonArray array = require(body.getValue("entries"), JsonArray.class, "entries");
    long total = require(body.getValue("total"), Number.class, "total").longValue();
    if (total != array.size()) {
      throw new IllegalArgumentException("manifest has " + array.size() + " entries, announced " + total);
    }
    List<FileEntry> entries = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      entries.add(entryOf(require(array.getValue(i), JsonObject.class, "entries[" + i + "]")));
    }
    entries.sort(Manifest.BY_PATH);
    String spiderId = optional(body.getValue("spiderId"), "spiderId");
    String path = optional(body.getValue("path"), "path");
    String digest = require(body.getValue("digest"), String.class, "digest");
    List<Skipped> skipped = new ArrayList<>();
    Object listed = body.getValue("skipped");
    if (listed != null) {
      for (Object o : require(listed, JsonArray.class, "skipped")) {
        skipped.add(skippedOf(require(o, JsonObject.class, "skipped[]")));
      }
    }
    Object count = body.getValue("skippedTotal");
    long skippedTotal = count == null ? 0 : require(count, Number.class, "skippedTotal").longValue();
    return new Manifest(spiderId, path, entries, digest).withSkipped(skipped, skippedTotal);
  }

  public static <T> T require(Object value, Class<T> type, String name) {
    if (!type.isInstance(value)) {
      throw new IllegalArgumentException("field " + name + " missing or not a " + type.getSimpleName());
    }
    return type.cast(value);
  }

  public static String optional(Object value, String name) {
    return value == null ? "" : require(value, String.class, name);
  }
}
