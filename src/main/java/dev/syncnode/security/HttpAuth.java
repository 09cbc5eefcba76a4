package dev.syncnode.security;

import dev.syncnode.config.ConfigHolder;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;

/**
 * Bearer-token check for {@code GET /metrics} when {@code metrics.requireAuth} is true (default:
 * open, like {@code /health}). {@code /api/*} has its own guard in the HTTP transport; both answer
 * a refused request the same way: 401, {@code WWW-Authenticate: Bearer} and
 * {@code {"error":"missing or invalid bearer token"}}, whether the token was missing or wrong. The
 * token is read from the live config on every request, so a hot reload applies at once.
 */
public final class HttpAuth {
  /** The body of every 401. */
  public static final String UNAUTHORIZED = "{\"error\":\"missing or invalid bearer token\"}";

  private HttpAuth() {}

  /** Mount on {@code /metrics} before its handler. */
  public static Handler<RoutingContext> metrics(ConfigHolder config) {
    return ctx -> {
      if (!config.get().metrics().requireAuth()
          || Auth.check(config.get().auth(), ctx.request().getHeader(HttpHeaders.AUTHORIZATION))) {
        ctx.next();
        return;
      }
      ctx.response()
          .setStatusCode(401)
          .putHeader("WWW-Authenticate", "Bearer")
          .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
          .end(UNAUTHORIZED);
    };
  }
}
