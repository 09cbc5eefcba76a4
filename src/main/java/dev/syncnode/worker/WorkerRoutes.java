package dev.syncnode.worker;

import static dev.syncnode.transport.http.server.HttpReplies.error;
import static dev.syncnode.transport.http.server.HttpReplies.json;

import dev.syncnode.bus.Addresses;
import dev.syncnode.config.ConfigHolder;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** The worker's HTTP API: {@code POST /api/sync/{spiderId}} runs (or joins) a sync and answers its report. */
public final class WorkerRoutes {
  private final Vertx vertx;
  private final ConfigHolder config;

  private WorkerRoutes(Vertx vertx, ConfigHolder config) {
    this.vertx = vertx;
    this.config = config;
  }

  /** Mounts the routes behind the node's {@code /api/*} guard. */
  public static void mount(Router router, Vertx vertx, ConfigHolder config) {
    router.post("/api/sync/:spiderId").handler(new WorkerRoutes(vertx, config)::workerSync);
  }

  private void workerSync(RoutingContext ctx) {
    String spiderId = ctx.pathParam("spiderId");
    long timeout = config.get().sync().timeout().scan().toMillis()
        + config.get().sync().timeout().download().toMillis() * 10;
    vertx.eventBus().<SyncReport>request(Addresses.WORKER_SYNC, new SyncRequest(spiderId, null),
            new DeliveryOptions().setSendTimeout(timeout))
        .onSuccess(m -> json(ctx, 200, m.body().toJson()))
        .onFailure(err -> error(ctx, workerFailureStatus(err), err.getMessage()));
  }

  /** The worker verticle fails with an HTTP-like code; an event-bus timeout becomes 504. */
  static int workerFailureStatus(Throwable err) {
    if (err instanceof ReplyException re) {
      if (re.failureType() == ReplyFailure.TIMEOUT) {
        return 504;
      }
      if (re.failureCode() >= 400 && re.failureCode() < 600) {
        return re.failureCode();
      }
    }
    return 500;
  }
}
