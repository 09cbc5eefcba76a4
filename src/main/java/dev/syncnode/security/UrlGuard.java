package dev.syncnode.security;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;

/**
 * First handler on the HTTP port: a request path with malformed percent-encoding ({@code %zz},
 * a trailing {@code %}) is answered 400 JSON here. Left to the router, it throws while routes are
 * matched, which is answered too but logs an error with a stack trace for every such request, so
 * anyone could flood the log.
 */
public final class UrlGuard implements Handler<RoutingContext> {
  @Override
  public void handle(RoutingContext ctx) {
    if (wellFormed(ctx.request().path())) {
      ctx.next();
      return;
    }
    ctx.response()
        .setStatusCode(400)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end("{\"error\":\"malformed percent-encoding in URL path\"}");
  }

  /** Every '%' is followed by two hex digits. */
  static boolean wellFormed(String rawPath) {
    if (rawPath == null) {
      return false;
    }
    for (int i = rawPath.indexOf('%'); i >= 0; i = rawPath.indexOf('%', i + 1)) {
      if (i + 2 >= rawPath.length() || Character.digit(rawPath.charAt(i + 1), 16) < 0
          || Character.digit(rawPath.charAt(i + 2), 16) < 0) {
        return false;
      }
    }
    return true;
  }
}
