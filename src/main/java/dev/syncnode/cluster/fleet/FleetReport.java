package dev.syncnode.cluster.fleet;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Worker -> master (clustered publish, JSON codec): what the worker holds. The master trusts none of
 * it blindly: rows are validated ({@link FleetTable#validate}) and filed under the registered key of
 * the node that sent the message; a report naming another key is dropped.
 *
 * @param nodeKey the key the sender says it has
 * @param snapshot true: every spider the worker holds (its rows replace the node's earlier ones)
 * @param rows one per spider
 */
public record FleetReport(String nodeKey, boolean snapshot, List<Row> rows) {
  /** Where a worker's copy of a spider is. */
  public enum Phase {
    /** Found on disk (a join snapshot): the digest of the last sync. */
    HELD,
    SYNCING,
    SUCCEEDED,
    FAILED;

    String json() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    static Phase of(String s) {
      return s == null ? null : valueOf(s.toUpperCase(java.util.Locale.ROOT));
    }
  }

  /**
   * @param digest the manifest digest the worker holds, or null (none, or unknown after a failure)
   * @param at when the phase began (epoch ms, the worker's clock); for HELD, when the state was written
   * @param durationMs a finished sync's duration, else 0
   * @param transport a finished sync's transport ({@code grpc|http}), else null
   * @param error a failed sync's message, else null
   */
  public record Row(String spiderId, String digest, Phase phase, long at, long durationMs, String transport,
      String error) {
    JsonObject toJson() {
      return new JsonObject().put("spiderId", spiderId).put("digest", digest).put("phase", phase.json())
          .put("at", at).put("durationMs", durationMs).put("transport", transport).put("error", error);
    }

    static Row fromJson(JsonObject o) {
      return new Row(o.getString("spiderId"), o.getString("digest"), Phase.of(o.getString("phase")),
          o.getLong("at", 0L), o.getLong("durationMs", 0L), o.getString("transport"), o.getString("error"));
    }
  }

  public FleetReport {
    rows = List.copyOf(rows);
  }

  public JsonObject toJson() {
    JsonArray a = new JsonArray();
    rows.forEach(r -> a.add(r.toJson()));
    return new JsonObject().put("nodeKey", nodeKey).put("snapshot", snapshot).put("rows", a);
  }

  /** Throws IllegalArgumentException or ClassCastException on a body it cannot read. */
  public static FleetReport fromJson(JsonObject o) {
    JsonArray a = o.getJsonArray("rows", new JsonArray());
    if (a.size() > FleetTable.MAX_SPIDERS) {
      throw new IllegalArgumentException("report with more than " + FleetTable.MAX_SPIDERS + " rows");
    }
    List<Row> rows = new ArrayList<>(a.size());
    for (int i = 0; i < a.size(); i++) {
      rows.add(Row.fromJson(a.getJsonObject(i)));
    }
    return new FleetReport(o.getString("nodeKey"), o.getBoolean("snapshot", false), rows);
  }
}
