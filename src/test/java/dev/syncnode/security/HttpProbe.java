package dev.syncnode.security;

import static dev.syncnode.it.Cluster.await;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.util.Map;

/** A plain HTTP client for probing a node: raw request URIs, every call ends in a {@link Result}. */
final class HttpProbe implements AutoCloseable {
  /** status -1: no HTTP answer (connection closed, TLS failure); error says how. */
  record Result(int status, MultiMap headers, Buffer body, String error) {
    String text() {
      return body == null ? "" : body.toString();
    }

    @Override
    public String toString() {
      String t = text();
      return "status=" + status + " body=" + (t.length() > 200 ? t.substring(0, 200) + "..." : t)
          + (error == null ? "" : " error=" + error);
    }
  }

  private final HttpClient client;
  private final int port;

  HttpProbe(Vertx vertx, int port, HttpClientOptions options) {
    this.client = vertx.createHttpClient(options.setDefaultHost("127.0.0.1").setDefaultPort(port));
    this.port = port;
  }

  HttpProbe(Vertx vertx, int port) {
    this(vertx, port, new HttpClientOptions());
  }

  Result get(String uri) throws Exception {
    return request(HttpMethod.GET, uri, Map.of(), null);
  }

  Result get(String uri, Map<String, String> headers) throws Exception {
    return request(HttpMethod.GET, uri, headers, null);
  }

  /** {@code uri} is sent as is (no encoding), so tests control every byte of it. */
  Result request(HttpMethod method, String uri, Map<String, String> headers, Buffer body) throws Exception {
    return await(requestAsync(method, uri, headers, body));
  }

  /** {@link #request}, for callers that bound the wait themselves. */
  Future<Result> requestAsync(HttpMethod method, String uri, Map<String, String> headers, Buffer body) {
    RequestOptions o = new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(port).setURI(uri);
    headers.forEach(o::putHeader);
    return client.request(o)
        // the body handler must be set in the same callback as the response arrives (not in a later
        // compose stage), or a fast body is gone before anyone listens
        .compose(req -> (body == null ? req.send() : req.send(body))
            .compose(resp -> resp.body().map(b -> new Result(resp.statusCode(), resp.headers(), b, null))))
        .recover(err -> Future.succeededFuture(new Result(-1, MultiMap.caseInsensitiveMultiMap(), null,
            String.valueOf(err))));
  }

  @Override
  public void close() throws Exception {
    await(client.close());
  }
}
