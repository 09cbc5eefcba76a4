package dev.syncnode.cluster.fleet;

import io.vertx.core.json.JsonObject;

/**
 * Master -> every node (clustered publish, JSON codec): the spider's manifest digest on the master
 * changed to {@code digest}.
 */
public record DigestAnnouncement(String spiderId, String digest) {
  public JsonObject toJson() {
    return new JsonObject().put("spiderId", spiderId).put("digest", digest);
  }

  public static DigestAnnouncement fromJson(JsonObject o) {
    return new DigestAnnouncement(o.getString("spiderId"), o.getString("digest"));
  }
}
