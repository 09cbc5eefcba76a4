package dev.syncnode.cluster;

import dev.syncnode.config.NodeConfig;
import io.vertx.core.json.JsonObject;

/**
 * A node's entry in the cluster registry, stored as JSON text keyed by its Vert.x node id.
 *
 * @param nodeId the Vert.x node id (the cluster member)
 * @param key the node key ({@code node.key})
 * @param role master or worker
 * @param grpc a master's gRPC address as host:port, else null
 * @param http the node's HTTP base URL
 * @param startedAt when the node announced itself (epoch ms)
 * @param lastSeen its latest heartbeat (epoch ms, the node's clock)
 * @param version the node's syncnode version, or null when it did not say (an older node)
 */
public record NodeInfo(String nodeId, String key, NodeConfig.Role role, String grpc, String http, long startedAt,
    long lastSeen, String version) {

  /** Longest version string kept from an entry. */
  static final int MAX_VERSION_CHARS = 64;

  public NodeInfo {
    version = version == null || version.length() <= MAX_VERSION_CHARS ? version
        : version.substring(0, MAX_VERSION_CHARS);
  }

  /** An entry without a version. */
  public NodeInfo(String nodeId, String key, NodeConfig.Role role, String grpc, String http, long startedAt,
      long lastSeen) {
    this(nodeId, key, role, grpc, http, startedAt, lastSeen, null);
  }

  public NodeInfo withLastSeen(long ms) {
    return new NodeInfo(nodeId, key, role, grpc, http, startedAt, ms, version);
  }

  public boolean isMaster() {
    return role == NodeConfig.Role.MASTER;
  }

  public boolean isWorker() {
    return role == NodeConfig.Role.WORKER;
  }

  public JsonObject toJson() {
    JsonObject o = new JsonObject()
        .put("nodeId", nodeId)
        .put("key", key)
        .put("role", role.name().toLowerCase())
        .put("http", http)
        .put("startedAt", startedAt)
        .put("lastSeen", lastSeen);
    if (grpc != null) {
      o.put("grpc", grpc);
    }
    if (version != null) {
      o.put("version", version);
    }
    return o;
  }

  /** Throws IllegalArgumentException (or ClassCastException) on an entry it cannot read. */
  public static NodeInfo fromJson(JsonObject o) {
    String nodeId = o.getString("nodeId");
    String key = o.getString("key");
    String role = o.getString("role");
    if (nodeId == null || key == null || role == null) {
      throw new IllegalArgumentException("registry entry without nodeId, key or role: " + o.encode());
    }
    return new NodeInfo(nodeId, key, NodeConfig.Role.valueOf(role.toUpperCase()), o.getString("grpc"),
        o.getString("http"), o.getLong("startedAt", 0L), o.getLong("lastSeen", 0L), o.getString("version"));
  }
}
