package dev.syncnode.worker;

import io.vertx.core.json.JsonObject;

/** The outcome of one sync, as answered by {@code POST /api/sync/{id}} and printed by the CLI. */
public record SyncReport(
    String spiderId, String transport, long files, long downloaded, long deleted, long bytes, long durationMs) {

  public JsonObject toJson() {
    return new JsonObject()
        .put("spiderId", spiderId)
        .put("transport", transport)
        .put("files", files)
        .put("downloaded", downloaded)
        .put("deleted", deleted)
        .put("bytes", bytes)
        .put("durationMs", durationMs);
  }
}
