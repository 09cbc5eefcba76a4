package dev.syncnode.transport.http.server;

import dev.syncnode.config.ConfigHolder;
import dev.syncnode.security.Auth;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;

/**
 * First handler of every {@code /api/*} request. It refuses URLs whose raw path hides dot segments,
 * slashes, backslashes or control characters behind percent-encoding (the router matches the
 * normalised path, so {@code /api/sync/%2e%2e/scan} would otherwise be routed somewhere else instead
 * of being refused), then checks the bearer token of the current configuration (401 JSON).
 * A query string with malformed percent-encoding is refused here too (400 JSON) before route
 * matching trips over it. {@code /health} and {@code /metrics} are not behind it.
 */
public final class ApiGuard implements Handler<RoutingContext> {
  private final ConfigHolder config;

  public ApiGuard(ConfigHolder config) {
    this.config = config;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String problem = rawPathProblem(ctx.request().path());
    if (problem == null) {
      problem = queryProblem(ctx);
    }
    if (problem != null) {
      HttpReplies.error(ctx, 400, problem);
      return;
    }
    if (!Auth.check(config.get().auth(), ctx.request().getHeader("Authorization"))) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer");
      HttpReplies.error(ctx, 401, "missing or invalid bearer token");
      return;
    }
    ctx.next();
  }

  /** Decodes the query once here, where a malformed one can still be answered as JSON. */
  private static String queryProblem(RoutingContext ctx) {
    try {
      ctx.request().params();
      ctx.queryParams();
      return null;
    } catch (IllegalArgumentException e) {
      return "malformed query string";
    }
  }

  /** Null when every segment of the raw (undecoded) path is a plain name, else why not. */
  static String rawPathProblem(String rawPath) {
    if (rawPath == null) {
      return "missing path";
    }
    for (String segment : rawPath.split("/", -1)) {
      String decoded = decode(segment);
      if (decoded == null) {
        return "malformed percent-encoding in URL path";
      }
      if (decoded.equals(".") || decoded.equals("..")) {
        return "dot segment in URL path";
      }
      for (int i = 0; i < decoded.length(); i++) {
        char c = decoded.charAt(i);
        if (c == '/' || c == '\\' || c < 0x20 || c == 0x7f) {
          return "illegal character in URL path";
        }
      }
    }
    return null;
  }

  /** Strict percent-decoding of one segment (UTF-8); null when malformed. */
  private static String decode(String s) {
    if (s.indexOf('%') < 0) {
      return s;
    }
    byte[] in = s.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[in.length];
    int n = 0;
    for (int i = 0; i < in.length; i++) {
      if (in[i] != '%') {
        out[n++] = in[i];
        continue;
      }
      if (i + 2 >= in.length) {
        return null;
      }
      int hi = Character.digit(in[i + 1], 16);
      int lo = Character.digit(in[i + 2], 16);
      if (hi < 0 || lo < 0) {
        return null;
      }
      out[n++] = (byte) (hi * 16 + lo);
      i += 2;
    }
    return new String(out, 0, n, StandardCharsets.UTF_8);
  }
}
