package dev.syncnode.cluster.fleet;

import dev.syncnode.bus.Addresses;
import dev.syncnode.cluster.ClusterSupport;
import dev.syncnode.cluster.MembershipWatch;
import dev.syncnode.cluster.NodeInfo;
import dev.syncnode.cluster.NodeRegistry;
import dev.syncnode.cluster.fleet.FleetReport.Row;
import dev.syncnode.config.ConfigHolder;
import dev.syncnode.manifest.Manifest;
import dev.syncnode.master.MasterService;
import dev.syncnode.master.scan.ScanException;
import dev.syncnode.master.scan.ScanRequest;
import dev.syncnode.master.scan.SpiderWatchVerticle;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The master's side of the fleet view. Files the workers' {@link FleetReport}s in a {@link FleetTable}
 * under the registered key of the sending node; drops the rows of nodes that left (membership
 * changes and every {@link #RECONCILE_MS}); learns its own digest of a spider from the scan cache
 * (one cached scan serves everyone); and when the spider watch reports a change, rescans the spider
 * once it has been quiet for {@link #SETTLE_MS} and announces a new digest to the cluster. Answers the
 * HTTP queries ({@link FleetAddresses}) with JSON built on its own event loop.
 */
public final class FleetMasterVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(FleetMasterVerticle.class);
  /** A burst of saves is one rescan: the spider must be quiet this long. */
  public static final long SETTLE_MS = 300;
  static final long RECONCILE_MS = 2000;
  /** The transport label of the fleet's own scan requests. */
  static final String SCAN_LABEL = "fleet";
  /** Scans of spiders whose digest the master does not know yet, at once. */
  static final int MAX_BACKGROUND_SCANS = 2;
  /** Reports waiting for a registry re-read, at most. */
  static final int MAX_QUEUED_REPORTS = 1024;

  private final ConfigHolder config;
  private final FleetTable table = new FleetTable();
  private final Map<String, String> keyOfNode = new HashMap<>();
  private final Map<String, Long> settling = new HashMap<>();
  private final Set<String> scanning = new HashSet<>();
  private final LinkedHashSet<String> backlog = new LinkedHashSet<>();
  /** Changed spiders waiting for the syncs that ran when the change settled (at most every spider with rows). */
  private final Set<String> afterSyncs = new HashSet<>();
  private int background;
  private NodeRegistry registry;
  private MasterService masterService;
  private MembershipWatch watch;
  private long timer = -1;
  private String localNodeId;
  /** Reports waiting behind a registry re-read, in arrival order. */
  private Future<Void> reportQueue = Future.succeededFuture();
  private int queued;
  private long lastForgeryWarning;

  public FleetMasterVerticle(ConfigHolder config) {
    this.config = config;
  }

  @Override
  public Future<?> start() {
    FleetCodecs.register(vertx);
    registry = new NodeRegistry(vertx);
    masterService = MasterService.onEventBus(vertx, () -> config.get().sync().timeout().scan().toMillis());
    localNodeId = ClusterSupport.localNodeId(vertx);
    watch = MembershipWatch.start(vertx, context, this::reconcile);
    timer = vertx.setPeriodic(RECONCILE_MS, id -> reconcile());
    var bus = vertx.eventBus();
    return Future.all(List.of(
        bus.<FleetReport>consumer(FleetAddresses.REPORT, this::onReport).completion(),
        bus.<String>localConsumer(Addresses.SPIDER_CHANGED, m -> changed(m.body())).completion(),
        bus.<String>localConsumer(FleetAddresses.QUERY_SPIDER, this::onSpider).completion(),
        bus.localConsumer(FleetAddresses.QUERY_SPIDERS, this::onSpiders).completion(),
        bus.localConsumer(FleetAddresses.QUERY_FLEET, this::onFleet).completion()))
        .compose(v -> refreshNodes())
        // workers that joined before this master tell it what they hold
        .onSuccess(v -> bus.publish(FleetAddresses.SNAPSHOTS, localNodeId == null ? "" : localNodeId));
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    settling.values().forEach(vertx::cancelTimer);
    watch.close();
    return Future.succeededFuture();
  }

  // ---- membership ----

  /** Re-reads the registry: node id -> key of live nodes; rows of nodes that left are dropped. */
  private Future<Void> refreshNodes() {
    return registry.live().map(live -> {
      keyOfNode.clear();
      Set<String> keys = new HashSet<>();
      for (NodeInfo n : live) {
        keyOfNode.put(n.nodeId(), n.key());
        keys.add(n.key());
      }
      if (!live.isEmpty()) { // an empty view is this node leaving: nothing to judge by
        int gone = table.retainNodes(keys);
        if (gone > 0) {
          LOG.info("fleet: dropped the rows of {} node{} that left", gone, gone == 1 ? "" : "s");
          recheckAfterSyncs();
        }
      }
      return null;
    });
  }

  private void reconcile() {
    refreshNodes().onFailure(err -> LOG.debug("fleet: cannot read the registry: {}", err.getMessage()));
  }

  // ---- reports ----

  private void onReport(Message<FleetReport> msg) {
    String sender = SenderIdentity.of(msg, localNodeId);
    FleetReport report;
    try {
      report = msg.body();
    } catch (RuntimeException e) {
      LOG.debug("fleet: unreadable report from node {}: {}", sender, e.getMessage());
      return;
    }
    if (sender == null || report == null) {
      return;
    }
    String key = keyOfNode.get(sender);
    if (key != null && queued == 0) {
      file(sender, key, report);
      return;
    }
    if (queued >= MAX_QUEUED_REPORTS) {
      return; // a flood of reports from unknown senders: bounded
    }
    // a sender the registry view does not know yet: re-read it; later reports wait their turn, so one
    // node's reports are filed in the order it sent them
    queued++;
    reportQueue = reportQueue.transform(ar -> (keyOfNode.containsKey(sender) ? Future.<Void>succeededFuture()
        : refreshNodes()).otherwiseEmpty().map(v -> {
          queued--;
          file(sender, keyOfNode.get(sender), report);
          return null;
        }));
  }

  /** Files a report under the sender's registered key; a report for another key changes nothing. */
  private void file(String sender, String registered, FleetReport report) {
    if (registered == null || !registered.equals(report.nodeKey())) {
      long now = System.currentTimeMillis();
      if (now - lastForgeryWarning > 10_000) {
        lastForgeryWarning = now;
        LOG.warn("fleet: ignoring a report for node key {} sent by cluster node {} (registered as {})",
            report.nodeKey(), sender, registered);
      }
      return;
    }
    List<Row> valid = new ArrayList<>();
    for (Row r : report.rows()) {
      Row v = FleetTable.validate(r);
      if (v != null) {
        valid.add(v);
        if (table.master(v.spiderId()) == null) {
          learn(v.spiderId());
        }
      }
    }
    if (report.snapshot()) {
      table.replace(registered, valid);
    } else {
      valid.forEach(r -> table.apply(registered, r));
    }
    recheckAfterSyncs();
  }

  /** Changed spiders whose syncs (running when the change settled) are all done: look at them now. */
  private void recheckAfterSyncs() {
    if (!afterSyncs.isEmpty()) {
      for (String spiderId : Set.copyOf(afterSyncs)) {
        if (table.syncing(spiderId) == 0) {
          afterSyncs.remove(spiderId);
          changed(spiderId);
        }
      }
    }
  }

  // ---- the master's own digests ----

  /**
   * A spider changed on disk: rescan once it has been quiet for {@link #SETTLE_MS}, if a node holds
   * it. A spider no node holds needs no announcement, and its digest is learnt when a node reports
   * it (by then the syncs' own scan is cached or in flight: no extra walk of a fresh spider).
   */
  private void changed(String spiderId) {
    if (SpiderWatchVerticle.ALL.equals(spiderId)) {
      Set<String> known = new HashSet<>(table.spidersWithRows());
      known.forEach(this::changed);
      return;
    }
    Long t = settling.remove(spiderId);
    if (t != null) {
      vertx.cancelTimer(t);
    }
    if (table.nodeCount(spiderId) == 0) {
      table.forgetMaster(spiderId); // no longer current; looked up again when asked
      return;
    }
    if (settling.size() >= FleetTable.MAX_SPIDERS) {
      return; // bounded; the next report or query of the spider rescans it
    }
    settling.put(spiderId, vertx.setTimer(SETTLE_MS, id -> {
      settling.remove(spiderId);
      if (table.syncing(spiderId) > 0) {
        afterSyncs.add(spiderId); // the syncs running now tell what they got; a walk beside them waits
      } else {
        rescan(spiderId, true);
      }
    }));
  }

  /**
   * Asks the scan cache for the spider's manifest (a cached one when nothing changed) and records
   * it; {@code changed}: the spider watch saw a change, so a digest the master did not know before is
   * announced too. Completes when done (at once when a scan of the spider runs already).
   */
  private Future<Void> rescan(String spiderId, boolean changed) {
    if (!scanning.add(spiderId)) {
      if (changed) {
        changed(spiderId); // a scan runs: look again once it is done and the spider still quiet
      }
      return Future.succeededFuture();
    }
    return manifest(spiderId)
        .onComplete(ar -> scanning.remove(spiderId))
        .onSuccess(m -> record(m, changed))
        .onFailure(err -> {
          if (err instanceof ScanException se && se.kind() == ScanException.Kind.NOT_FOUND) {
            table.forgetSpider(spiderId); // rows of a spider the master lacks: deleted, or made up
          } else {
            LOG.debug("fleet: cannot scan {}: {}", spiderId, err.getMessage());
          }
        })
        .<Void>mapEmpty().otherwiseEmpty();
  }

  /**
   * The master's digest of a spider is not known yet: look it up in the background, at most
   * {@link #MAX_BACKGROUND_SCANS} at a time (a dashboard's first look at a big workspace must not
   * start a walk of every spider at once).
   */
  private void learn(String spiderId) {
    if (spiderId != null && !scanning.contains(spiderId) && backlog.size() < FleetTable.MAX_SPIDERS) {
      backlog.add(spiderId);
    }
    while (background < MAX_BACKGROUND_SCANS && !backlog.isEmpty()) {
      String next = backlog.iterator().next();
      backlog.remove(next);
      if (table.master(next) == null && !scanning.contains(next)) {
        background++;
        rescan(next, false).onComplete(ar -> {
          background--;
          learn(null);
        });
      }
    }
  }

  private Future<Manifest> manifest(String spiderId) {
    return masterService.scan(new ScanRequest(spiderId, "", SCAN_LABEL)).map(r -> r.manifest());
  }

  /**
   * Records the master's manifest of a spider and announces its digest when it differs from the one
   * known before (whoever's scan found it: a query may see a change before the settle timer does),
   * or when none was known and {@code announceNew}.
   */
  private void record(Manifest m, boolean announceNew) {
    boolean known = table.master(m.spiderId()) != null;
    boolean changed = table.master(m.spiderId(), m.digest(), m.fileCount(), m.fileBytes(), System.currentTimeMillis());
    if (changed && (known || announceNew)) {
      LOG.debug("fleet: {} is now {}", m.spiderId(), m.digest());
      vertx.eventBus().publish(FleetAddresses.ANNOUNCE, new DigestAnnouncement(m.spiderId(), m.digest()));
    }
  }

  // ---- queries ----

  private void onSpider(Message<String> msg) {
    String spiderId = msg.body();
    manifest(spiderId).onSuccess(m -> {
      record(m, false);
      msg.reply(table.spiderJson(spiderId).put("nodes", table.nodesJson(spiderId)));
    }).onFailure(err -> {
      if (err instanceof ScanException se) {
        if (se.kind() == ScanException.Kind.NOT_FOUND) {
          table.forgetMaster(spiderId);
        }
        msg.fail(se.kind() == ScanException.Kind.INTERNAL ? 503 : se.kind().code, err.getMessage());
      } else {
        msg.fail(503, "cannot scan " + spiderId + ": " + err.getMessage());
      }
    });
  }

  /** The spiders of the workspace with their fleet details; unknown digests are looked up meanwhile. */
  private Future<JsonArray> details(List<String> ids) {
    JsonArray out = new JsonArray();
    for (String id : ids) {
      if (table.master(id) == null) {
        learn(id);
      }
      out.add(table.spiderJson(id).put("nodesInSync", table.inSync(id)).put("nodes", table.nodeCount(id)));
    }
    return Future.succeededFuture(out);
  }

  private void onSpiders(Message<Object> msg) {
    masterService.spiders()
        .compose(list -> details(list.ids()).map(d -> new JsonObject()
            .put("spiders", new JsonArray(list.ids())).put("details", d)))
        .onSuccess(msg::reply)
        .onFailure(err -> msg.fail(503, "cannot list the spiders: " + err.getMessage()));
  }

  private void onFleet(Message<Object> msg) {
    Future<List<NodeInfo>> nodes = registry.live();
    Future<MasterService.SpiderList> spiders = masterService.spiders();
    Future.all(nodes, spiders).onSuccess(v -> {
      long now = System.currentTimeMillis();
      JsonArray ns = new JsonArray();
      for (NodeInfo n : nodes.result()) {
        ns.add(n.toJson().put("version", n.version()).put("status", NodeRegistry.status(n, now)));
      }
      JsonArray ss = new JsonArray();
      for (String id : spiders.result().ids()) {
        if (table.master(id) == null) {
          learn(id);
        }
        ss.add(table.spiderJson(id).put("nodesInSync", table.inSync(id)).put("nodes", table.nodesJson(id)));
      }
      msg.reply(new JsonObject().put("nodes", ns).put("spiders", ss).put("recentSyncs", table.recentJson()));
    }).onFailure(err -> msg.fail(503, "cannot read the fleet: " + err.getMessage()));
  }
}
