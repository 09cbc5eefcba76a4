package dev.syncnode.cluster.fleet;

import dev.syncnode.bus.Addresses;
import dev.syncnode.cluster.WorkerTaskVerticle;
import dev.syncnode.cluster.fleet.FleetReport.Phase;
import dev.syncnode.cluster.fleet.FleetReport.Row;
import dev.syncnode.config.ConfigHolder;
import dev.syncnode.manifest.PathRules;
import dev.syncnode.worker.SyncEvent;
import dev.syncnode.worker.SyncReport;
import dev.syncnode.worker.SyncRequest;
import dev.syncnode.worker.apply.LocalState;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker's side of the fleet view. Tells the master which digest it holds of each spider in its
 * workspace (from each destination's {@code .syncnode/state.json}) when it joins and when a master
 * that started later asks ({@link FleetAddresses#SNAPSHOTS}), and each sync of a workspace
 * destination as it starts and ends. When the master announces a new digest of a spider this worker
 * holds, and {@code sync.prefetch} is on, it syncs that spider by itself ({@link Prefetcher}); a task
 * arriving meanwhile joins that sync (one run per destination).
 */
public final class FleetWorkerVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(FleetWorkerVerticle.class);
  /** Quiet period of the self-syncs; the master waits for the change to settle already. */
  public static final long QUIET_MS = 300;
  public static final long JITTER_MS = 300;
  /** Spiders a worker syncs by itself at once. */
  public static final int MAX_PREFETCHING = 2;
  /** Snapshot requests closer than this cause one snapshot. */
  static final long SNAPSHOT_DELAY_MS = 500;

  private final ConfigHolder config;
  /** Spider -> digest this worker holds (null: held, digest unknown); bounded by {@link FleetTable#MAX_SPIDERS}. */
  private final Map<String, String> held = new HashMap<>();
  /** Start times of the syncs running now (one per destination), for a failed sync's duration. */
  private final Map<String, Long> startedAt = new HashMap<>();
  private String nodeKey;
  private Path workspace;
  private Prefetcher prefetcher;
  private long snapshotTimer = -1;

  public FleetWorkerVerticle(ConfigHolder config) {
    this.config = config;
  }

  @Override
  public Future<?> start() {
    FleetCodecs.register(vertx);
    nodeKey = config.get().node().key();
    workspace = Path.of(config.get().node().workspace()).toAbsolutePath().normalize();
    prefetcher = new Prefetcher(vertx, QUIET_MS, JITTER_MS, MAX_PREFETCHING, this::selfSync);
    var bus = vertx.eventBus();
    return Future.all(
        bus.<SyncEvent>localConsumer(Addresses.WORKER_SYNC_EVENTS, m -> onSyncEvent(m.body())).completion(),
        bus.<DigestAnnouncement>consumer(FleetAddresses.ANNOUNCE, this::onAnnounce).completion(),
        bus.<String>consumer(FleetAddresses.SNAPSHOTS, m -> snapshotSoon()).completion())
        .compose(v -> snapshot());
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(snapshotTimer);
    prefetcher.cancelAll();
    return Future.succeededFuture();
  }

  /** A master asked (several asking at once: one snapshot). */
  private void snapshotSoon() {
    vertx.cancelTimer(snapshotTimer);
    snapshotTimer = vertx.setTimer(SNAPSHOT_DELAY_MS, id -> snapshot());
  }

  /** Reads every destination's state and sends it as this node's snapshot. */
  private Future<Void> snapshot() {
    return vertx.executeBlocking(this::readHeld, false).onSuccess(rows -> {
      held.clear();
      rows.forEach(r -> held.put(r.spiderId(), r.digest()));
      report(true, rows);
    }).onFailure(err -> LOG.warn("fleet: cannot read the workspace {}: {}", workspace, err.getMessage()))
        .<Void>mapEmpty().otherwiseEmpty();
  }

  /** Blocking: a HELD row per workspace directory with a sync state of its own spider. */
  private List<Row> readHeld() throws IOException {
    List<Row> rows = new ArrayList<>();
    if (!Files.isDirectory(workspace)) {
      return rows;
    }
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(workspace)) {
      for (Path dir : dirs) {
        String id = dir.getFileName().toString();
        if (rows.size() >= FleetTable.MAX_SPIDERS || !PathRules.isValidSpiderId(id)
            || !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
          continue;
        }
        // the time comes from the descriptor the state was read through, not from a second look at its path
        LocalState.Saved s = LocalState.readSaved(dir);
        if (s != null && id.equals(s.state().spiderId())) {
          rows.add(new Row(id, s.state().digest(), Phase.HELD, s.atMs(), 0, null, null));
        }
      }
    }
    return rows;
  }

  private void report(boolean snapshot, List<Row> rows) {
    vertx.eventBus().publish(FleetAddresses.REPORT, new FleetReport(nodeKey, snapshot, rows));
  }

  private void onSyncEvent(SyncEvent e) {
    if (!e.inWorkspace()) {
      return; // a destination a caller named is not this worker's copy of the spider
    }
    switch (e.phase()) {
      case STARTED -> {
        startedAt.put(e.spiderId(), e.at());
        report(false, List.of(new Row(e.spiderId(), held.get(e.spiderId()), Phase.SYNCING, e.at(), 0, null, null)));
      }
      case FAILED -> {
        Long start = startedAt.remove(e.spiderId());
        long took = start == null ? 0 : Math.max(0, e.at() - start);
        report(false, List.of(new Row(e.spiderId(), null, Phase.FAILED, e.at(), took, null, e.error())));
      }
      case SUCCEEDED -> {
        startedAt.remove(e.spiderId());
        succeeded(e);
      }
    }
  }

  /** The digest now held comes from the state the sync just wrote. */
  private void succeeded(SyncEvent e) {
    SyncReport r = e.report();
    Path dest = workspace.resolve(e.spiderId());
    vertx.executeBlocking(() -> LocalState.read(dest), false).otherwiseEmpty().onSuccess(state -> {
      String digest = state != null && e.spiderId().equals(state.spiderId()) ? state.digest() : null;
      if (held.containsKey(e.spiderId()) || held.size() < FleetTable.MAX_SPIDERS) {
        held.put(e.spiderId(), digest);
      }
      report(false, List.of(new Row(e.spiderId(), digest, Phase.SUCCEEDED, e.at(), r.durationMs(), r.transport(),
          null)));
    });
  }

  private void onAnnounce(Message<DigestAnnouncement> msg) {
    DigestAnnouncement a;
    try {
      a = msg.body();
    } catch (RuntimeException e) {
      return;
    }
    if (a == null || a.spiderId() == null || !held.containsKey(a.spiderId())) {
      return; // never held here: nothing to keep current
    }
    if (!config.get().sync().prefetch()) {
      prefetcher.cancelAll();
      return;
    }
    if (!Objects.equals(held.get(a.spiderId()), a.digest())) {
      prefetcher.request(a.spiderId());
    }
  }

  /** The worker's normal sync of the spider into its workspace; a running one is joined. */
  private Future<?> selfSync(String spiderId) {
    if (!config.get().sync().prefetch()) {
      return Future.succeededFuture();
    }
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(WorkerTaskVerticle.syncTimeoutMs(config.get()));
    return vertx.eventBus().request(Addresses.WORKER_SYNC, new SyncRequest(spiderId, null), options)
        .onFailure(err -> LOG.warn("fleet: self-sync of {} failed: {}", spiderId, err.getMessage()));
  }
}
