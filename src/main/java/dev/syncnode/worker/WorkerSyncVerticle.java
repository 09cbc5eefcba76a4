package dev.syncnode.worker;

import dev.syncnode.bus.Addresses;
import dev.syncnode.bus.Codecs;
import dev.syncnode.config.ConfigHolder;
import dev.syncnode.config.NodeConfig;
import dev.syncnode.fs.Scanner;
import dev.syncnode.manifest.PathRules;
import dev.syncnode.manifest.PathViolation;
import dev.syncnode.metrics.SyncMetrics;
import dev.syncnode.piece.PieceCodec;
import dev.syncnode.transport.SyncSource;
import dev.syncnode.transport.TransportException;
import dev.syncnode.worker.apply.DestinationWatch;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs syncs on a worker. Concurrent requests for the same destination join the running sync (an
 * in-flight Future per destination, kept on this verticle's event loop), so ten tasks starting
 * together cause one sync, and two syncs never write the same directory at once. Replies with a
 * {@link SyncReport}; failures carry the {@link TransportException.Kind} name's HTTP-ish code.
 */
public final class WorkerSyncVerticle extends VerticleBase {
  /** Failure codes of event-bus replies. */
  public static final int FAIL_NOT_FOUND = 404;
  public static final int FAIL_INVALID = 400;
  public static final int FAIL_UNAVAILABLE = 502;
  public static final int FAIL_OTHER = 500;

  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);

  private final ConfigHolder config;
  private final SyncMetrics metrics;
  private final SyncRun.Progress progress;
  private final MasterLocator masterLocator;
  /** Lists links leading out of a destination too, so a sync removes them rather than keeping them. */
  private final Scanner localScanner = new Scanner(true);
  private final Map<Path, Future<SyncReport>> inFlight = new HashMap<>();
  private Sources sources;
  /** This worker's destination watch: opened at start, closed (every watch dropped) at stop. */
  private DestinationWatch watch;

  public WorkerSyncVerticle(ConfigHolder config, SyncMetrics metrics) {
    this(config, metrics, SyncRun.Progress.NONE);
  }

  public WorkerSyncVerticle(ConfigHolder config, SyncMetrics metrics, SyncRun.Progress progress) {
    this(config, metrics, progress, null);
  }

  /** @param masterLocator consulted before each new sync (cluster mode); null: the configured master */
  public WorkerSyncVerticle(ConfigHolder config, SyncMetrics metrics, SyncRun.Progress progress,
      MasterLocator masterLocator) {
    this.config = config;
    this.metrics = metrics;
    this.progress = progress;
    this.masterLocator = masterLocator;
  }

  @Override
  public Future<?> start() {
    sources = new Sources(vertx);
    Codecs.register(vertx, List.of(SyncRequest.class, SyncReport.class, SyncEvent.class));
    // zstd's native library loads off the event loop, before any request says whether it accepts zstd
    return vertx.executeBlocking(() -> {
      watch = DestinationWatch.open();
      return PieceCodec.zstdAvailable();
    }, false)
        .compose(zstd -> vertx.eventBus().<SyncRequest>localConsumer(Addresses.WORKER_SYNC, this::onSync).completion());
  }

  @Override
  public Future<?> stop() {
    DestinationWatch w = watch;
    return vertx.executeBlocking(() -> {
      w.close();
      return null;
    }, false).compose(v -> sources.close());
  }

  private void onSync(Message<SyncRequest> msg) {
    SyncRequest req = msg.body();
    NodeConfig c = config.get();
    Path dest;
    try {
      PathRules.requireSpiderId(req.spiderId());
      dest = req.dest() != null
          ? Path.of(req.dest()).toAbsolutePath().normalize()
          : PathRules.resolveInside(Path.of(c.node().workspace()), req.spiderId());
    } catch (PathViolation e) {
      msg.fail(FAIL_INVALID, e.getMessage());
      return;
    }
    Future<SyncReport> running = inFlight.get(dest);
    if (running == null) {
      running = (masterLocator == null ? Future.succeededFuture(c) : masterLocator.locate(c).map(c::withMaster))
          .compose(mc -> startRun(mc, req.spiderId(), dest));
      inFlight.put(dest, running);
      boolean inWorkspace = req.dest() == null;
      publish(new SyncEvent(req.spiderId(), inWorkspace, SyncEvent.Phase.STARTED, System.currentTimeMillis(), null,
          null));
      running.onComplete(ar -> {
        inFlight.remove(dest);
        long now = System.currentTimeMillis();
        publish(ar.succeeded()
            ? new SyncEvent(req.spiderId(), inWorkspace, SyncEvent.Phase.SUCCEEDED, now, ar.result(), null)
            : new SyncEvent(req.spiderId(), inWorkspace, SyncEvent.Phase.FAILED, now, null,
                failureMessage(ar.cause())));
      });
    }
    running.onSuccess(msg::reply).onFailure(err -> msg.fail(failureCode(err), failureMessage(err)));
  }

  private void publish(SyncEvent event) {
    vertx.eventBus().publish(Addresses.WORKER_SYNC_EVENTS, event, LOCAL);
  }

  /** Builds the clients for the (located) master and runs the sync; a bad address is INVALID. */
  private Future<SyncReport> startRun(NodeConfig mc, String spiderId, Path dest) {
    SyncSource grpc;
    SyncSource http;
    try {
      grpc = sources.grpc(mc);
      http = sources.http(mc);
    } catch (IllegalArgumentException badAddress) { // also an unreadable tls.caPath
      return Future.failedFuture(new TransportException(TransportException.Kind.INVALID,
          "cannot connect to the master: " + badAddress.getMessage()));
    }
    return new SyncRun(vertx, mc, metrics, localScanner, spiderId, dest, grpc, http, progress, watch).run();
  }

  /** A refused token is said as the master's refusal of this worker, not the caller's problem. */
  static String failureMessage(Throwable err) {
    if (TransportException.kindOf(err) == TransportException.Kind.UNAUTHENTICATED) {
      return "the master refused this worker's token (auth.token, SYNCNODE_AUTH_TOKEN): " + err.getMessage();
    }
    return err.getMessage();
  }

  static int failureCode(Throwable err) {
    TransportException.Kind kind = TransportException.kindOf(err);
    return kind == null ? FAIL_OTHER : switch (kind) {
      case NOT_FOUND -> FAIL_NOT_FOUND;
      case INVALID -> FAIL_INVALID;
      // UNAUTHENTICATED: the master refused the worker, not the caller's credentials
      case UNAVAILABLE, TIMEOUT, BUSY, UNAUTHENTICATED -> FAIL_UNAVAILABLE;
      default -> FAIL_OTHER;
    };
  }
}
