package dev.syncnode.transport.http;

import dev.syncnode.metrics.SyncMetrics;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Supplier;

/**
 * Runs a request's work under a throttle permit. The permit is released by the routing context's
 * end handler, which fires once the response has ended or the connection closed; that is the only
 * place a slot is freed, and the permit itself makes a second call harmless.
 */
final class Throttled {
  private final HttpThrottle throttle;
  private final SyncMetrics metrics;

  Throttled(HttpThrottle throttle, SyncMetrics metrics) {
    this.throttle = throttle;
    this.metrics = metrics;
  }

  void run(RoutingContext ctx, HttpThrottle.Endpoint endpoint, Supplier<Future<?>> work) {
    HttpThrottle.Permit permit = throttle.permit(endpoint);
    ctx.addEndHandler(ar -> permit.release());
    permit.acquire()
        .compose(v -> work.get())
        .onFailure(err -> {
          if (err instanceof ThrottledException) {
            metrics.httpRejected(endpoint.label);
          }
          HttpReplies.fail(ctx, err);
        });
  }
}
