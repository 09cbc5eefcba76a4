package dev.syncnode.worker;

import io.vertx.core.json.JsonObject;

/**
 * The outcome of one sync, as answered by {@code POST /api/sync/{id}} and printed by the CLI.
 *
 * @param downloaded files whose content changed (transferred, rebuilt by delta, or copied locally)
 * @param bytes payload bytes received from the master (compressed pieces and block hashes as sent)
 * @param unchanged the master confirmed the digest the worker already held: nothing was listed
 * @param reused files whose content was copied from elsewhere in the destination, not downloaded
 * @param kept entries left in place although the master does not have them: no sync installed them
 *     (crawler output, logs), or a dropped directory still holds such an entry
 * @param skipped entries the master left out because no worker could take them (names in the log)
 */
public record SyncReport(
    String spiderId, String transport, long files, long downloaded, long deleted, long bytes, long durationMs,
    boolean unchanged, long reused, long kept, long skipped) {

  public JsonObject toJson() {
    return new JsonObject()
        .put("spiderId", spiderId)
        .put("transport", transport)
        .put("files", files)
        .put("downloaded", downloaded)
        .put("deleted", deleted)
        .put("kept", kept)
        .put("bytes", bytes)
        .put("durationMs", durationMs)
        .put("unchanged", unchanged)
        .put("reused", reused)
        .put("skipped", skipped);
  }
}
