package dev.syncnode.transport.http.server;

import dev.syncnode.config.ConfigHolder;
import dev.syncnode.master.MasterService;
import dev.syncnode.metrics.SyncMetrics;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.util.Map;

/**
 * The master's HTTP sync API, translated to {@link MasterService}: {@code GET /api/spiders}
 * ({@code {"spiders": ["id", ...]}}), {@code GET /api/sync/:spiderId/scan} and
 * {@code GET /api/sync/:spiderId/download}, the last two behind one {@link HttpThrottle}. Gauges:
 * {@code syncnode_http_inflight{endpoint}}, {@code syncnode_http_inflight_max{endpoint}} (high-water
 * mark since start) and {@code syncnode_http_queued{endpoint}}.
 */
public final class MasterHttpRoutes {
  public static final String GAUGE_IN_FLIGHT = "syncnode.http.inflight";
  public static final String GAUGE_IN_FLIGHT_MAX = "syncnode.http.inflight.max";
  public static final String GAUGE_QUEUED = "syncnode.http.queued";

  private final Vertx vertx;
  private final ConfigHolder config;
  private final SyncMetrics metrics;
  private final HttpThrottle throttle;

  public MasterHttpRoutes(Vertx vertx, ConfigHolder config, SyncMetrics metrics) {
    this.vertx = vertx;
    this.config = config;
    this.metrics = metrics;
    this.throttle = new HttpThrottle(() -> config.get().sync().http());
  }

  public HttpThrottle throttle() {
    return throttle;
  }

  /** Adds the routes; call after the {@code /api/*} guard is installed. */
  public void mount(Router router) {
    for (HttpThrottle.Endpoint e : HttpThrottle.Endpoint.values()) {
      Map<String, String> tags = Map.of("endpoint", e.label);
      metrics.gauge(GAUGE_IN_FLIGHT, tags, () -> throttle.inFlight(e));
      metrics.gauge(GAUGE_IN_FLIGHT_MAX, tags, () -> throttle.maxInFlight(e));
      metrics.gauge(GAUGE_QUEUED, tags, () -> throttle.queued(e));
    }
    Throttled throttled = new Throttled(throttle, metrics);
    MasterService master = MasterService.onEventBus(vertx, () -> config.get().sync().timeout().scan().toMillis());
    router.get("/api/spiders").handler(ctx -> master.spiders()
        .onSuccess(list -> HttpReplies.json(ctx, 200, new JsonObject().put("spiders", new JsonArray(list.ids()))))
        .onFailure(err -> HttpReplies.fail(ctx, err)));
    router.get("/api/sync/:spiderId/scan").handler(new ScanHandler(master, throttled));
    router.get("/api/sync/:spiderId/download").handler(new DownloadHandler(vertx, master, metrics, throttled));
  }
}
