package dev.syncnode.transport.http.server;

import dev.syncnode.config.NodeConfig;
import dev.syncnode.metrics.SyncMetrics;
import dev.syncnode.security.ConnectionGuard;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a request's work under a throttle permit. The permit is released by the routing context's
 * end handler, which fires once the response has ended or the connection closed; that is the only
 * place a slot is freed, and the permit itself makes a second call harmless.
 *
 * <p>Two clocks bound what a client holds: a queued request waits at most
 * {@code sync.http.queueTimeout}, then is answered 503 + Retry-After; a running download that moves
 * fewer than {@code sync.http.minRate} bytes per second over a {@code sync.http.minRateWindow} while
 * other downloads wait for a slot has its connection cut, so slow readers cannot keep every slot.
 */
final class Throttled {
  private static final Logger LOG = LoggerFactory.getLogger(Throttled.class);

  private final HttpThrottle throttle;
  private final SyncMetrics metrics;

  Throttled(HttpThrottle throttle, SyncMetrics metrics) {
    this.throttle = throttle;
    this.metrics = metrics;
  }

  void run(RoutingContext ctx, HttpThrottle.Endpoint endpoint, Supplier<Future<?>> work) {
    HttpThrottle.Permit permit = throttle.permit(endpoint);
    Vertx vertx = ctx.vertx();
    long[] timers = {-1, -1};
    ctx.addEndHandler(ar -> {
      permit.release();
      for (long t : timers) {
        if (t >= 0) {
          vertx.cancelTimer(t);
        }
      }
    });
    Future<Void> granted = permit.acquire();
    if (!granted.isComplete()) {
      timers[0] = vertx.setTimer(Math.max(1, throttle.limits().queueTimeout().toMillis()), id -> permit.expire());
    }
    granted
        .onSuccess(v -> {
          vertx.cancelTimer(timers[0]);
          if (endpoint == HttpThrottle.Endpoint.DOWNLOAD) {
            timers[1] = watchRate(ctx, endpoint);
          }
        })
        .compose(v -> work.get())
        .onFailure(err -> {
          if (err instanceof ThrottledException) {
            metrics.httpRejected(endpoint.label);
          }
          HttpReplies.fail(ctx, err);
        });
  }

  /**
   * Checks the response's progress once per window; a slot whose response has started but moved
   * fewer bytes than the minimum rate asks for, while others wait, is taken back by resetting the
   * connection (the end handler then frees the slot).
   */
  private long watchRate(RoutingContext ctx, HttpThrottle.Endpoint endpoint) {
    NodeConfig.HttpLimits l = throttle.limits();
    long window = Math.max(1, l.minRateWindow().toMillis());
    long[] last = {-1};
    return ctx.vertx().setPeriodic(window, id -> {
      HttpServerResponse resp = ctx.response();
      if (resp.ended() || resp.closed()) {
        ctx.vertx().cancelTimer(id);
        return;
      }
      if (!resp.headWritten()) {
        return; // still preparing (hashing): the server's time, not the client's
      }
      long written = resp.bytesWritten();
      long minRate = throttle.limits().minRate();
      boolean slow = last[0] >= 0 && minRate > 0 && (written - last[0]) * 1000 < minRate * window;
      last[0] = written;
      if (slow && throttle.queued(endpoint) > 0) {
        ctx.vertx().cancelTimer(id);
        LOG.info("cutting a {} slower than {} bytes/s to {} while {} wait for a slot", endpoint.label, minRate,
            ctx.request().remoteAddress(), throttle.queued(endpoint));
        ConnectionGuard.abort(ctx.request().connection()); // a reset would wait for the client to read
      }
    });
  }
}
