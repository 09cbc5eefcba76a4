package dev.syncnode.security;

import dev.syncnode.config.ConfigHolder;
import dev.syncnode.transport.Auth;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Bearer-token checks on the HTTP port. With {@code auth.token} set, every {@code /api/*} request
 * needs {@code Authorization: Bearer <token>}, and so does {@code /metrics} when
 * {@code metrics.requireAuth} is true; {@code /health} stays open. A refused request gets 401,
 * {@code WWW-Authenticate: Bearer} and {@code {"error":"unauthorized"}}: the answer is the same for a
 * missing and a wrong token, and names nothing else. The token is read from the live config on every
 * request, so a hot reload of {@code auth.token} applies at once.
 */
public final class HttpAuth {
  private HttpAuth() {}

  /** Installs the checks; call before any other route is added. */
  public static void install(Router router, ConfigHolder config) {
    router.route("/api/*").handler(api(config));
    router.route("/metrics").handler(ctx -> {
      if (!config.get().metrics().requireAuth()) {
        ctx.next();
      } else {
        check(config, ctx);
      }
    });
  }

  /** The check for {@code /api/*}. */
  public static Handler<RoutingContext> api(ConfigHolder config) {
    return ctx -> check(config, ctx);
  }

  private static void check(ConfigHolder config, RoutingContext ctx) {
    if (Auth.check(config.get().auth(), ctx.request().getHeader(HttpHeaders.AUTHORIZATION))) {
      ctx.next();
      return;
    }
    ctx.response()
        .setStatusCode(401)
        .putHeader("WWW-Authenticate", "Bearer realm=\"syncnode\"")
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end("{\"error\":\"unauthorized\"}");
  }
}
