package dev.syncnode.transport.http;

import dev.syncnode.bus.Addresses;
import dev.syncnode.config.ConfigHolder;
import dev.syncnode.config.NodeConfig;
import dev.syncnode.health.NodeHealth;
import dev.syncnode.metrics.SyncMetrics;
import dev.syncnode.security.HttpAuth;
import dev.syncnode.security.ServerOptions;
import dev.syncnode.worker.SyncReport;
import dev.syncnode.worker.SyncRequest;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's HTTP port: {@code /health} and {@code /metrics} on every node; on a master the sync
 * fallback API; on a worker {@code POST /api/sync/{spiderId}}. Errors are JSON
 * {@code {"error": "..."}}.
 */
public final class HttpEndpointVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(HttpEndpointVerticle.class);

  private final ConfigHolder config;
  private final SyncMetrics metrics;
  private HttpServer server;

  public HttpEndpointVerticle(ConfigHolder config, SyncMetrics metrics) {
    this.config = config;
    this.metrics = metrics;
  }

  public int actualPort() {
    return server.actualPort();
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    HttpAuth.install(router, config);
    router.get("/health").handler(NodeHealth.handler(vertx, config));
    router.get("/metrics").handler(this::metrics);
    if (config.get().node().role() == NodeConfig.Role.WORKER) {
      router.post("/api/sync/:spiderId").handler(this::workerSync);
    }
    router.route().last().handler(ctx -> error(ctx, 404, "no such endpoint: " + ctx.request().path()));
    router.route().failureHandler(ctx -> {
      int code = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
      if (code >= 500) {
        LOG.warn("HTTP {} failed", ctx.request().path(), ctx.failure());
      }
      error(ctx, code, ctx.failure() != null ? ctx.failure().getMessage() : "request failed");
    });
    NodeConfig.Endpoint ep = config.get().http();
    server = vertx.createHttpServer(ServerOptions.httpPort(config.get()))
        .requestHandler(router);
    return server.listen().onSuccess(s -> LOG.info("HTTP endpoint listening on {}:{}", ep.host(), s.actualPort()));
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  private void metrics(RoutingContext ctx) {
    String text = metrics.scrape();
    if (text == null) {
      error(ctx, 404, "metrics disabled");
      return;
    }
    ctx.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8").end(text);
  }

  private void workerSync(RoutingContext ctx) {
    String spiderId = ctx.pathParam("spiderId");
    long timeout = config.get().sync().timeout().scan().toMillis()
        + config.get().sync().timeout().download().toMillis() * 10;
    vertx.eventBus().<SyncReport>request(Addresses.WORKER_SYNC, new SyncRequest(spiderId, null),
            new DeliveryOptions().setSendTimeout(timeout))
        .onSuccess(m -> json(ctx, 200, m.body().toJson()))
        .onFailure(err -> {
          int code = err instanceof ReplyException re && re.failureCode() >= 400 ? re.failureCode() : 500;
          error(ctx, code, err.getMessage());
        });
  }

  static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
  }

  static void error(RoutingContext ctx, int status, String message) {
    if (ctx.response().headWritten()) {
      ctx.response().reset();
      return;
    }
    json(ctx, status, new JsonObject().put("error", message == null ? "error" : message));
  }
}
