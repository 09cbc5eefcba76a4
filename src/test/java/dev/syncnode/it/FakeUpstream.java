package dev.syncnode.it;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A tiny HTTP server on loopback (port 0) standing in for a master or a proxy in front of it: each
 * test gives the handler (canned pages, or relays to the real master, whole or cut short). Every
 * request's URI and Range header are recorded.
 */
public final class FakeUpstream implements AutoCloseable {
  /** One recorded request. */
  public record Seen(String uri, String range) {}

  public final Vertx vertx = Vertx.vertx();
  public final List<Seen> seen = new CopyOnWriteArrayList<>();
  private final HttpClientAgent relayClient = vertx.createHttpClient();
  private final HttpServer server;

  public FakeUpstream(Handler<HttpServerRequest> handler) throws Exception {
    server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0))
        .requestHandler(req -> {
          seen.add(new Seen(req.uri(), req.getHeader("Range")));
          handler.handle(req);
        });
    Cluster.await(server.listen());
  }

  public int port() {
    return server.actualPort();
  }

  public String url() {
    return "http://127.0.0.1:" + port();
  }

  public long count(String uriPart) {
    return seen.stream().filter(s -> s.uri().contains(uriPart)).count();
  }

  /**
   * Forwards the request to the real master and streams its answer back; with {@code cutAfter >= 0}
   * the connection is closed after that many body bytes (a master or proxy dying mid-transfer).
   */
  public void relay(HttpServerRequest req, int masterPort, long cutAfter) {
    req.pause();
    RequestOptions opts = new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(masterPort)
        .setURI(req.uri());
    for (String name : List.of("Range", "Authorization", "If-Range")) {
      if (req.getHeader(name) != null) {
        opts.putHeader(name, req.getHeader(name));
      }
    }
    relayClient.request(opts).compose(r -> r.send()).onSuccess(up -> {
      req.response().setStatusCode(up.statusCode());
      up.headers().forEach(h -> {
        String name = h.getKey().toLowerCase(java.util.Locale.ROOT);
        if (!name.equals("transfer-encoding") && !name.equals("connection") && !name.equals("keep-alive")) {
          req.response().putHeader(h.getKey(), h.getValue());
        }
      });
      if (up.getHeader("Content-Length") == null) {
        req.response().setChunked(true);
      }
      long[] sent = {0};
      up.handler(buf -> {
        if (cutAfter >= 0 && sent[0] + buf.length() >= cutAfter) {
          int keep = (int) (cutAfter - sent[0]);
          sent[0] = cutAfter;
          up.handler(null);
          up.pause();
          req.response().write(buf.getBuffer(0, keep)).onComplete(w -> req.connection().close());
          return;
        }
        sent[0] += buf.length();
        req.response().write(buf);
      });
      up.endHandler(v -> {
        if (cutAfter < 0 || sent[0] < cutAfter) {
          req.response().end();
        }
      });
    }).onFailure(err -> req.response().setStatusCode(599).end(err.toString()));
  }

  @Override
  public void close() throws Exception {
    Cluster.await(vertx.close());
  }
}
