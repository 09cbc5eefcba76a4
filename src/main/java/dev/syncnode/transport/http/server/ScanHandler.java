package dev.syncnode.transport.http.server;

import dev.syncnode.master.MasterService;
import dev.syncnode.master.scan.ScanRequest;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /api/sync/{spiderId}/scan?path=}: the manifest from the scan cache (shared with gRPC,
 * so concurrent HTTP and gRPC scans of one spider share one walk), streamed as chunked JSON (gzip
 * when the client accepts it). The {@code ETag} is the quoted manifest digest: a client that sends
 * it back in {@code If-None-Match} (or as {@code ?knownDigest=}) while it is still current gets
 * {@code 304 Not Modified} and no list.
 */
record ScanHandler(MasterService master, Throttled throttled) implements Handler<RoutingContext> {
  static final String TRANSPORT = "http";

  @Override
  public void handle(RoutingContext ctx) {
    String spiderId = RequestParams.spiderId(ctx);
    String path = RequestParams.path(ctx);
    throttled.run(ctx, HttpThrottle.Endpoint.SCAN, () -> master.scan(new ScanRequest(spiderId, path, TRANSPORT))
        .compose(reply -> {
          String etag = '"' + reply.manifest().digest() + '"';
          if (notModified(ctx, reply.manifest().digest())) {
            return ctx.response().setStatusCode(304).putHeader("ETag", etag).end();
          }
          ctx.response().putHeader("ETag", etag);
          return ManifestJsonWriter.write(ctx.response(), reply.manifest());
        }));
  }

  /** Whether the client already holds the manifest with {@code digest}. */
  static boolean notModified(RoutingContext ctx, String digest) {
    String known = ctx.request().getParam("knownDigest");
    if (digest.equals(known)) {
      return true;
    }
    String inm = ctx.request().getHeader("If-None-Match");
    if (inm == null) {
      return false;
    }
    for (String tag : inm.split(",")) {
      String t = tag.trim();
      if (t.startsWith("W/")) {
        t = t.substring(2);
      }
      if (t.equals('"' + digest + '"')) {
        return true;
      }
    }
    return false;
  }
}
