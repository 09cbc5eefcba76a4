package dev.syncnode.cluster.fleet;

import dev.syncnode.cluster.fleet.FleetReport.Phase;
import dev.syncnode.cluster.fleet.FleetReport.Row;
import dev.syncnode.manifest.PathRules;
import dev.syncnode.manifest.PathViolation;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The master's fleet state: per (spider, node key) the last row a node reported, the master's own
 * digest per spider, and a ring of recent syncs. Bounded: at most {@code maxNodes} node keys and
 * {@code maxSpiders} spiders (the one updated longest ago makes room, but only for a spider the master has
 * confirmed: made-up ids cannot push out real rows), {@link #RECENT} recent syncs,
 * strings cut to a few hundred characters. Not thread-safe: owned by the fleet verticle's event loop.
 */
public final class FleetTable {
  public static final int MAX_NODES = 1024;
  public static final int MAX_SPIDERS = 4096;
  /** Recent syncs kept, newest first. */
  public static final int RECENT = 50;
  static final int MAX_ERROR_CHARS = 512;
  static final int MAX_TRANSPORT_CHARS = 16;
  private static final Pattern DIGEST = Pattern.compile("[0-9a-f]{64}");

  /** The master's current manifest of a spider: digest, files, bytes, when the digest last changed. */
  public record MasterSpider(String digest, long files, long bytes, long lastChange) {}

  private final int maxNodes;
  private final int maxSpiders;
  /** Spider -> node key -> row; spiders in update order (oldest first). */
  private final LinkedHashMap<String, Map<String, Row>> rows = new LinkedHashMap<>(16, 0.75f, true);
  /** Node key -> spiders it has rows for; nodes in update order (oldest first). */
  private final LinkedHashMap<String, Set<String>> nodes = new LinkedHashMap<>(16, 0.75f, true);
  private final LinkedHashMap<String, MasterSpider> master = new LinkedHashMap<>(16, 0.75f, true);
  private final ArrayDeque<JsonObject> recent = new ArrayDeque<>();

  public FleetTable(int maxNodes, int maxSpiders) {
    this.maxNodes = maxNodes;
    this.maxSpiders = maxSpiders;
  }

  public FleetTable() {
    this(MAX_NODES, MAX_SPIDERS);
  }

  /**
   * The row as the master keeps it, or null when it cannot be taken: a spider id the path rules refuse,
   * a digest that is not 64 lower-case hex digits, no phase. Transport and error are cut to size.
   */
  public static Row validate(Row r) {
    if (r == null || r.phase() == null || r.spiderId() == null) {
      return null;
    }
    try {
      PathRules.requireSpiderId(r.spiderId());
    } catch (PathViolation e) {
      return null;
    }
    if (r.digest() != null && !DIGEST.matcher(r.digest()).matches()) {
      return null;
    }
    return new Row(r.spiderId(), r.digest(), r.phase(), Math.max(0, r.at()), Math.max(0, r.durationMs()),
        cut(r.transport(), MAX_TRANSPORT_CHARS), cut(r.error(), MAX_ERROR_CHARS));
  }

  private static String cut(String s, int max) {
    return s == null || s.length() <= max ? s : s.substring(0, max);
  }

  /**
   * Files a validated row of {@code nodeKey}. A started sync keeps what the node held before (digest,
   * last sync); a finished one also goes to the recent syncs.
   */
  public void apply(String nodeKey, Row row) {
    Map<String, Row> perNode = rows.get(row.spiderId());
    Row before = perNode == null ? null : perNode.get(nodeKey);
    Row kept = row.phase() == Phase.SYNCING && before != null
        ? new Row(row.spiderId(), before.digest(), Phase.SYNCING, row.at(), before.durationMs(), before.transport(),
            null)
        : row;
    put(nodeKey, kept);
    if (row.phase() == Phase.SUCCEEDED || row.phase() == Phase.FAILED) {
      JsonObject r = new JsonObject().put("spiderId", row.spiderId()).put("nodeKey", nodeKey).put("at", row.at())
          .put("durationMs", row.durationMs()).put("transport", row.transport())
          .put("outcome", row.phase().json());
      if (row.error() != null) {
        r.put("error", row.error());
      }
      recent.addFirst(r);
      while (recent.size() > RECENT) {
        recent.removeLast();
      }
    }
  }

  /** A join snapshot: the node's rows become exactly these. */
  public void replace(String nodeKey, Collection<Row> snapshot) {
    removeNode(nodeKey);
    snapshot.forEach(r -> put(nodeKey, r));
  }

  private void put(String nodeKey, Row row) {
    if (!rows.containsKey(row.spiderId()) && rows.size() >= maxSpiders) {
      if (!master.containsKey(row.spiderId())) {
        return; // a spider the master has not confirmed never pushes out another's rows (a flood of made-up ids)
      }
      removeSpider(rows.keySet().iterator().next());
    }
    if (!nodes.containsKey(nodeKey) && nodes.size() >= maxNodes) {
      removeNode(nodes.keySet().iterator().next());
    }
    rows.computeIfAbsent(row.spiderId(), k -> new TreeMap<>()).put(nodeKey, row);
    nodes.computeIfAbsent(nodeKey, k -> new java.util.HashSet<>()).add(row.spiderId());
  }

  private void removeSpider(String spiderId) {
    Map<String, Row> perNode = rows.remove(spiderId);
    if (perNode != null) {
      for (String key : perNode.keySet()) {
        Set<String> held = nodes.get(key);
        if (held != null && held.remove(spiderId) && held.isEmpty()) {
          nodes.remove(key);
        }
      }
    }
  }

  /** Drops every row of a node. */
  public void removeNode(String nodeKey) {
    Set<String> held = nodes.remove(nodeKey);
    if (held == null) {
      return;
    }
    for (String spiderId : held) {
      Map<String, Row> perNode = rows.get(spiderId);
      if (perNode != null) {
        perNode.remove(nodeKey);
        if (perNode.isEmpty()) {
          rows.remove(spiderId);
        }
      }
    }
  }

  /** Drops the rows of every node not in {@code live}; answers how many nodes went. */
  public int retainNodes(Set<String> live) {
    int removed = 0;
    for (Iterator<String> it = Set.copyOf(nodes.keySet()).iterator(); it.hasNext(); ) {
      String key = it.next();
      if (!live.contains(key)) {
        removeNode(key);
        removed++;
      }
    }
    return removed;
  }

  /** Records the master's manifest; answers whether the digest changed (or was not known). */
  public boolean master(String spiderId, String digest, long files, long bytes, long now) {
    MasterSpider before = master.get(spiderId);
    boolean changed = before == null || !before.digest().equals(digest);
    if (before == null && master.size() >= maxSpiders) {
      master.remove(master.keySet().iterator().next());
    }
    master.put(spiderId, new MasterSpider(digest, files, bytes, changed ? now : before.lastChange()));
    return changed;
  }

  public MasterSpider master(String spiderId) {
    return master.get(spiderId);
  }

  public void forgetMaster(String spiderId) {
    master.remove(spiderId);
  }

  /** The master does not have this spider: its rows go with its manifest. */
  public void forgetSpider(String spiderId) {
    master.remove(spiderId);
    removeSpider(spiderId);
  }

  /** in_sync, stale, syncing or failed: a row against the master's digest (unknown: not in sync). */
  static String state(Row row, MasterSpider m) {
    return switch (row.phase()) {
      case SYNCING -> "syncing";
      case FAILED -> "failed";
      default -> m != null && row.digest() != null && row.digest().equals(m.digest()) ? "in_sync" : "stale";
    };
  }

  /** The node rows of a spider: {@code [{"nodeKey","digest","state","lastSyncAt","durationMs","transport","error"?}]}. */
  public JsonArray nodesJson(String spiderId) {
    MasterSpider m = master.get(spiderId);
    JsonArray out = new JsonArray();
    Map<String, Row> perNode = rows.getOrDefault(spiderId, Map.of());
    for (Map.Entry<String, Row> e : perNode.entrySet()) {
      Row r = e.getValue();
      JsonObject o = new JsonObject().put("nodeKey", e.getKey()).put("digest", r.digest())
          .put("state", state(r, m)).put("lastSyncAt", r.at() > 0 ? r.at() : null)
          .put("durationMs", r.durationMs()).put("transport", r.transport());
      if (r.error() != null) {
        o.put("error", r.error());
      }
      out.add(o);
    }
    return out;
  }

  /** How many nodes hold the master's digest of the spider. */
  public int inSync(String spiderId) {
    MasterSpider m = master.get(spiderId);
    int n = 0;
    for (Row r : rows.getOrDefault(spiderId, Map.of()).values()) {
      n += "in_sync".equals(state(r, m)) ? 1 : 0;
    }
    return n;
  }

  /** How many nodes are syncing the spider now. */
  public int syncing(String spiderId) {
    int n = 0;
    for (Row r : rows.getOrDefault(spiderId, Map.of()).values()) {
      n += r.phase() == Phase.SYNCING ? 1 : 0;
    }
    return n;
  }

  public int nodeCount(String spiderId) {
    return rows.getOrDefault(spiderId, Map.of()).size();
  }

  /** Spider ids that have node rows. */
  public Set<String> spidersWithRows() {
    return Set.copyOf(rows.keySet());
  }

  /** Node keys that have rows. */
  public Set<String> nodeKeys() {
    return Set.copyOf(nodes.keySet());
  }

  /** Recent finished syncs, newest first. */
  public JsonArray recentJson() {
    JsonArray out = new JsonArray();
    recent.forEach(r -> out.add(r.copy()));
    return out;
  }

  /** {@code {"spiderId","digest","files","bytes","lastChange"}} with the master's manifest (nulls when unknown). */
  public JsonObject spiderJson(String spiderId) {
    MasterSpider m = master.get(spiderId);
    return new JsonObject().put("spiderId", spiderId).put("digest", m == null ? null : m.digest())
        .put("files", m == null ? null : m.files()).put("bytes", m == null ? null : m.bytes())
        .put("lastChange", m == null ? null : m.lastChange());
  }

  /** Row counts per spider (tests, bounds). */
  Map<String, Integer> sizes() {
    Map<String, Integer> out = new HashMap<>();
    rows.forEach((k, v) -> out.put(k, v.size()));
    return out;
  }
}
