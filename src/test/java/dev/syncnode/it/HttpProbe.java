package dev.syncnode.it;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * A real HTTP client for tests, on its own Vert.x instance: sends raw request URIs (no
 * normalisation, so traversal attempts reach the server as typed) and collects whole answers.
 */
public final class HttpProbe implements AutoCloseable {
  /** A complete answer. */
  public record Reply(int status, MultiMap headers, Buffer body) {
    public String header(String name) {
      return headers.get(name);
    }

    public JsonObject json() {
      return new JsonObject(body);
    }

    public String text() {
      return body.toString();
    }
  }

  private final Vertx vertx = Vertx.vertx();
  private final HttpClientAgent client;
  private final int port;

  public HttpProbe(int port, int poolSize) {
    this.port = port;
    this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(poolSize));
  }

  public HttpProbe(int port) {
    this(port, 8);
  }

  public Future<Reply> getAsync(String uri, Map<String, String> headers) {
    return requestAsync(HttpMethod.GET, uri, headers);
  }

  public Reply post(String uri) throws Exception {
    return Cluster.await(requestAsync(HttpMethod.POST, uri, Map.of()));
  }

  public Future<Reply> requestAsync(HttpMethod method, String uri, Map<String, String> headers) {
    RequestOptions opts = new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(port)
        .setURI(uri);
    headers.forEach(opts::putHeader);
    // the whole exchange runs on the probe's event loop: from the test thread, a response could
    // otherwise arrive before its body handler is attached
    Promise<Reply> reply = Promise.promise();
    vertx.getOrCreateContext().runOnContext(v -> client.request(opts)
        .compose(req -> req.send())
        .compose(resp -> resp.body().map(body -> new Reply(resp.statusCode(), resp.headers(), body)))
        .onComplete(reply));
    return reply.future();
  }

  public Reply get(String uri, Map<String, String> headers) throws Exception {
    return Cluster.await(getAsync(uri, headers));
  }

  public Reply get(String uri) throws Exception {
    return get(uri, Map.of());
  }

  @Override
  public void close() throws Exception {
    Cluster.await(vertx.close());
  }
}
