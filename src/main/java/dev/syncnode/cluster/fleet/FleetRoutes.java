package dev.syncnode.cluster.fleet;

import static dev.syncnode.transport.http.server.HttpReplies.error;
import static dev.syncnode.transport.http.server.HttpReplies.json;

import dev.syncnode.config.ConfigHolder;
import dev.syncnode.manifest.PathRules;
import dev.syncnode.security.Auth;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The master's fleet API, answered by the {@link FleetMasterVerticle}:
 * {@code GET /api/spiders/{id}/nodes}, {@code GET /api/fleet}, and {@code GET /api/spiders} with the
 * fleet details in cluster mode. Mounted before the sync API so that, without {@code -cluster},
 * {@code GET /api/spiders} passes on to it unchanged while the two fleet routes answer 404 JSON.
 * Same bearer token as every API.
 */
public final class FleetRoutes {
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true).setSendTimeout(30_000);

  private final Vertx vertx;
  private final ConfigHolder config;

  private FleetRoutes(Vertx vertx, ConfigHolder config) {
    this.vertx = vertx;
    this.config = config;
  }

  /** Adds the routes (call before the master's sync API is mounted). */
  public static void mount(Router router, Vertx vertx, ConfigHolder config) {
    FleetRoutes r = new FleetRoutes(vertx, config);
    router.get("/api/spiders").handler(r::spiders);
    router.get("/api/spiders/:spiderId/nodes").handler(r::admit).handler(r::spiderNodes);
    router.get("/api/fleet").handler(r::admit).handler(r::fleet);
  }

  private boolean authorized(RoutingContext ctx) {
    if (Auth.check(config.get().auth(), ctx.request().getHeader("Authorization"))) {
      return true;
    }
    error(ctx, 401, "missing or wrong bearer token");
    return false;
  }

  private void admit(RoutingContext ctx) {
    if (!authorized(ctx)) {
      return;
    }
    if (!vertx.isClustered()) {
      error(ctx, 404, "cluster mode is off: start the node with -cluster");
    } else {
      ctx.next();
    }
  }

  private void spiders(RoutingContext ctx) {
    if (!vertx.isClustered()) {
      ctx.next(); // the sync API's plain list
    } else if (authorized(ctx)) {
      ask(ctx, FleetAddresses.QUERY_SPIDERS, "");
    }
  }

  private void spiderNodes(RoutingContext ctx) {
    String id = ctx.pathParam("spiderId");
    if (!PathRules.isValidSpiderId(id)) {
      error(ctx, 400, "invalid spider id: " + id);
      return;
    }
    ask(ctx, FleetAddresses.QUERY_SPIDER, id);
  }

  private void fleet(RoutingContext ctx) {
    ask(ctx, FleetAddresses.QUERY_FLEET, "");
  }

  private void ask(RoutingContext ctx, String address, String body) {
    vertx.eventBus().<JsonObject>request(address, body, LOCAL)
        .onSuccess(m -> json(ctx, 200, m.body()))
        .onFailure(err -> {
          if (err instanceof ReplyException re && re.failureType() == ReplyFailure.RECIPIENT_FAILURE
              && re.failureCode() >= 400 && re.failureCode() < 600) {
            error(ctx, re.failureCode(), re.getMessage());
          } else {
            error(ctx, 503, "the fleet view is not available: " + err.getMessage());
          }
        });
  }
}
