package dev.syncnode.node;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * The master's read-only web dashboard: {@code GET /} (the page) and {@code GET /assets/*} (its
 * script and style), served from {@code webroot/} in the jar. The page holds no data: the browser
 * reads {@code /api/fleet}, {@code /api/tasks} and {@code /metrics} with the bearer token the operator
 * typed in, so the shell itself needs no token. Every other path keeps its JSON 404.
 */
public final class Dashboard {
  /** Classpath folder of the dashboard's files. */
  static final String WEBROOT = "webroot";
  /**
   * Scripts, styles and data from this origin only, no inline code, no framing, no form posts: a
   * page that cannot be turned into a way to write.
   */
  static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
      + "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

  private Dashboard() {}

  /** Adds the dashboard's routes (a master's HTTP endpoint calls this). */
  public static void mount(Router router) {
    router.route("/").method(HttpMethod.GET).method(HttpMethod.HEAD)
        .handler(Dashboard::headers).handler(files(WEBROOT));
    // a wildcard route hands the static handler the path after its prefix
    router.route("/assets/*").method(HttpMethod.GET).method(HttpMethod.HEAD)
        .handler(Dashboard::headers).handler(files(WEBROOT + "/assets"));
  }

  private static StaticHandler files(String root) {
    return StaticHandler.create(root)
        .setIndexPage("index.html")
        .setDirectoryListing(false)
        .setIncludeHidden(false)
        .setCachingEnabled(true);
  }

  /**
   * Revalidate on every load ({@code no-cache} with Last-Modified, so an unchanged file is a 304):
   * the files are a few KB, and a node upgraded in place must never run an old script against a new
   * API. Set when the headers go out, after the static handler wrote its own.
   */
  private static void headers(RoutingContext ctx) {
    HttpServerResponse res = ctx.response();
    ctx.addHeadersEndHandler(v -> res.headers()
        .set("Cache-Control", "no-cache")
        .set("Content-Security-Policy", CSP)
        .set("X-Content-Type-Options", "nosniff")
        .set("Referrer-Policy", "no-referrer")
        .set("X-Frame-Options", "DENY"));
    ctx.next();
  }
}
