package dev.syncnode.cluster;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster's node registry: a clustered map from Vert.x node id to a {@link NodeInfo} as JSON text
 * (explicit encoding, no Java serialization). An entry counts only while its node id is a cluster
 * member, so a node that died is never listed even before its entry is pruned.
 */
public final class NodeRegistry {
  private static final Logger LOG = LoggerFactory.getLogger(NodeRegistry.class);
  /** Name of the clustered map. */
  public static final String MAP = "syncnode.nodes";
  /** A live member whose last heartbeat is older than this is reported as {@code stale}. */
  public static final long STALE_MS = 10_000;

  private final Vertx vertx;

  public NodeRegistry(Vertx vertx) {
    this.vertx = vertx;
  }

  private Future<AsyncMap<String, String>> map() {
    return vertx.sharedData().getAsyncMap(MAP);
  }

  public Future<Void> put(NodeInfo info) {
    return map().compose(m -> m.put(info.nodeId(), info.toJson().encode()));
  }

  public Future<Void> remove(String nodeId) {
    return map().compose(m -> m.remove(nodeId)).mapEmpty();
  }

  /** Entries of current cluster members, masters first, then by key. */
  public Future<List<NodeInfo>> live() {
    return map().compose(AsyncMap::entries).map(entries -> {
      Set<String> members = ClusterSupport.liveNodeIds(vertx);
      List<NodeInfo> out = new ArrayList<>();
      for (Map.Entry<String, String> e : entries.entrySet()) {
        if (!members.contains(e.getKey())) {
          continue;
        }
        NodeInfo info = decode(e.getValue());
        if (info != null) {
          out.add(info);
        }
      }
      out.sort(Comparator.comparing(NodeInfo::role).thenComparing(NodeInfo::key).thenComparing(NodeInfo::nodeId));
      return out;
    });
  }

  /** Removes entries whose node is no longer a cluster member; answers how many. */
  public Future<Integer> prune() {
    return map().compose(m -> m.keys().compose(keys -> {
      Set<String> members = ClusterSupport.liveNodeIds(vertx);
      if (members.isEmpty()) {
        return Future.succeededFuture(0); // not (or no longer) in a cluster: nothing to judge by
      }
      List<Future<?>> removals = new ArrayList<>();
      for (String k : keys) {
        if (!members.contains(k)) {
          removals.add(m.remove(k));
        }
      }
      return Future.all(removals).map(removals.size());
    }));
  }

  static NodeInfo decode(String json) {
    try {
      return NodeInfo.fromJson(new JsonObject(json));
    } catch (DecodeException | IllegalArgumentException | ClassCastException e) {
      LOG.warn("ignoring unreadable registry entry: {}", e.getMessage());
      return null;
    }
  }

  /** The status an operator sees: {@code up}, or {@code stale} when heartbeats stopped arriving. */
  public static String status(NodeInfo info, long nowMs) {
    return nowMs - info.lastSeen() > STALE_MS ? "stale" : "up";
  }
}
