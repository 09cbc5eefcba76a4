package dev.syncnode.transport.http.server;

import dev.syncnode.manifest.PathRules;
import dev.syncnode.manifest.PathViolation;
import dev.syncnode.transport.http.HttpStatusException;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/** Reads and checks the spider id and path of a sync request; anything odd is a 400. */
final class RequestParams {
  private RequestParams() {}

  /** The {@code :spiderId} path parameter, validated. */
  static String spiderId(RoutingContext ctx) {
    try {
      return PathRules.requireSpiderId(ctx.pathParam("spiderId"));
    } catch (PathViolation e) {
      throw HttpStatusException.badRequest(e.getMessage());
    }
  }

  /** The {@code path} query parameter, normalised; empty when absent. */
  static String path(RoutingContext ctx) {
    List<String> values;
    try {
      values = ctx.queryParam("path");
    } catch (IllegalArgumentException badEncoding) {
      throw HttpStatusException.badRequest("malformed query string");
    }
    if (values.size() > 1) {
      throw HttpStatusException.badRequest("path given more than once");
    }
    String raw = values.isEmpty() ? "" : values.get(0);
    if (raw.indexOf('\0') >= 0) {
      throw HttpStatusException.badRequest("illegal character in path");
    }
    try {
      return PathRules.normalize(raw);
    } catch (PathViolation e) {
      throw HttpStatusException.badRequest(e.getMessage());
    }
  }
}
