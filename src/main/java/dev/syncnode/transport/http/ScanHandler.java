package dev.syncnode.transport.http;

import dev.syncnode.bus.Addresses;
import dev.syncnode.cache.ScanReply;
import dev.syncnode.cache.ScanRequest;
import dev.syncnode.config.ConfigHolder;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /api/sync/{spiderId}/scan?path=}: the manifest from the scan cache (shared with gRPC,
 * so concurrent HTTP and gRPC scans of one spider share one walk), streamed as chunked JSON.
 */
final class ScanHandler implements Handler<RoutingContext> {
  static final String TRANSPORT = "http";

  private final Vertx vertx;
  private final ConfigHolder config;
  private final Throttled throttled;

  ScanHandler(Vertx vertx, ConfigHolder config, Throttled throttled) {
    this.vertx = vertx;
    this.config = config;
    this.throttled = throttled;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String spiderId = RequestParams.spiderId(ctx);
    String path = RequestParams.path(ctx);
    throttled.run(ctx, HttpThrottle.Endpoint.SCAN, () -> {
      DeliveryOptions opts = new DeliveryOptions().setSendTimeout(config.get().sync().timeout().scan().toMillis());
      return vertx.eventBus()
          .<ScanReply>request(Addresses.CACHE_SCAN, new ScanRequest(spiderId, path, TRANSPORT), opts)
          .map(Message::body)
          .compose(reply -> ManifestJsonWriter.write(ctx.response(), reply.manifest()));
    });
  }
}
