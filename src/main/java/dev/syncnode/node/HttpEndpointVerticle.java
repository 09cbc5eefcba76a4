package dev.syncnode.node;

import static dev.syncnode.transport.http.server.HttpReplies.error;

import dev.syncnode.cluster.ClusterRoutes;
import dev.syncnode.cluster.ClusterSupport;
import dev.syncnode.cluster.fleet.FleetRoutes;
import dev.syncnode.config.ConfigHolder;
import dev.syncnode.config.NodeConfig;
import dev.syncnode.metrics.SyncMetrics;
import dev.syncnode.security.ConnectionGuard;
import dev.syncnode.security.HttpAuth;
import dev.syncnode.security.ServerOptions;
import dev.syncnode.security.UrlGuard;
import dev.syncnode.transport.ListenFailure;
import dev.syncnode.transport.http.server.ApiGuard;
import dev.syncnode.transport.http.server.HttpReplies;
import dev.syncnode.transport.http.server.HttpThrottle;
import dev.syncnode.transport.http.server.MasterHttpRoutes;
import dev.syncnode.worker.WorkerRoutes;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's HTTP port: {@code /health} and {@code /metrics} on every node (open); everything under
 * {@code /api/} passes the {@link ApiGuard} (raw-path check, bearer token). On a master the sync
 * fallback API ({@link MasterHttpRoutes}), the cluster API and the read-only {@link Dashboard} at
 * {@code /}; on a worker {@link WorkerRoutes}. Errors are
 * JSON {@code {"error": "..."}}. One instance per node: the throttle's counters live on its event
 * loop.
 */
public final class HttpEndpointVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(HttpEndpointVerticle.class);

  private final ConfigHolder config;
  private final SyncMetrics metrics;
  private final IntSupplier grpcPort;
  private HttpServer server;
  private ConnectionGuard guard;
  private MasterHttpRoutes masterRoutes;

  public HttpEndpointVerticle(ConfigHolder config, SyncMetrics metrics) {
    this(config, metrics, () -> -1);
  }

  /** @param grpcPort this master's bound gRPC port, which {@code /health} probes (-1: none) */
  public HttpEndpointVerticle(ConfigHolder config, SyncMetrics metrics, IntSupplier grpcPort) {
    this.config = config;
    this.metrics = metrics;
    this.grpcPort = grpcPort;
  }

  public int actualPort() {
    return server.actualPort();
  }

  /** The port's connection guard (tests and diagnostics). */
  public ConnectionGuard guard() {
    return guard;
  }

  /** The master's HTTP throttle, or null on a worker. */
  public HttpThrottle throttle() {
    return masterRoutes == null ? null : masterRoutes.throttle();
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router.route().handler(new UrlGuard());
    router.get("/health").handler(NodeHealth.handler(vertx, config, ClusterSupport.masterLocator(vertx), grpcPort));
    router.route("/metrics").handler(HttpAuth.metrics(config));
    router.get("/metrics").handler(this::metrics);
    router.route("/api/*").handler(new ApiGuard(config));
    if (config.get().node().role() == NodeConfig.Role.WORKER) {
      WorkerRoutes.mount(router, vertx, config);
    } else {
      FleetRoutes.mount(router, vertx, config); // first: in cluster mode it answers GET /api/spiders
      masterRoutes = new MasterHttpRoutes(vertx, config, metrics);
      masterRoutes.mount(router);
      ClusterRoutes.mount(router, vertx, config);
      Dashboard.mount(router);
    }
    router.route().last().handler(ctx -> error(ctx, 404, "no such endpoint: " + ctx.request().path()));
    router.route().failureHandler(this::failure);
    NodeConfig.Endpoint ep = config.get().http();
    // gzip (level 1) for clients that accept it: manifests and compressible downloads; handlers that
    // must not be compressed (ranges, incompressible files) say Content-Encoding: identity
    server = vertx.createHttpServer(ServerOptions.httpPort(config.get())
        .setCompressionSupported(true).setCompressionLevel(1));
    guard = ConnectionGuard.install(vertx, "HTTP", ep, server, router);
    return guard.listen()
        .recover(err -> Future.failedFuture(ListenFailure.explain("http", ep, err)))
        .onSuccess(s -> LOG.info("HTTP endpoint listening on {}:{}", ep.host(), s.actualPort()));
  }

  @Override
  public Future<?> stop() {
    return guard == null ? Future.succeededFuture() : guard.close();
  }

  /** Thrown exceptions and {@code ctx.fail(..)}: bad input stays a 4xx, never a 500. */
  private void failure(RoutingContext ctx) {
    Throwable err = ctx.failure();
    if (err == null) {
      int code = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
      error(ctx, code, code == 404 ? "no such endpoint: " + ctx.request().path() : "request failed");
    } else if (err instanceof IllegalArgumentException) {
      // malformed URL encoding and the like, found by the router itself
      error(ctx, ctx.statusCode() >= 400 && ctx.statusCode() < 500 ? ctx.statusCode() : 400, err.getMessage());
    } else if (ctx.statusCode() >= 400 && ctx.statusCode() < 500) {
      error(ctx, ctx.statusCode(), err.getMessage());
    } else {
      HttpReplies.fail(ctx, err);
    }
  }

  private void metrics(RoutingContext ctx) {
    String text = metrics.scrape();
    if (text == null) {
      error(ctx, 404, "metrics disabled");
      return;
    }
    ctx.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8").end(text);
  }
}
