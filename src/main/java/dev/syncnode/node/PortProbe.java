package dev.syncnode.node;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.Status;

/**
 * Asks the node's own gRPC port for an answer over loopback: a call of a method that does not exist,
 * which a live server answers at once (UNIMPLEMENTED) without touching any spider. Any HTTP answer
 * means the port's event loop works; no answer within the timeout means it does not.
 */
final class PortProbe {
  static final String PATH = "/syncnode.v1.SyncService/HealthProbe";

  private final HttpClient client;
  private final long timeoutMs;

  PortProbe(Vertx vertx, boolean tls, long timeoutMs) {
    this.timeoutMs = timeoutMs;
    HttpClientOptions o = new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
        .setHttp2ClearTextUpgrade(false).setConnectTimeout((int) timeoutMs).setKeepAlive(false);
    if (tls) {
      // liveness of our own port over loopback: who answers is not in question, and nothing secret is sent
      o.setSsl(true).setUseAlpn(true).setTrustAll(true).setVerifyHost(false);
    }
    this.client = vertx.createHttpClient(o);
  }

  Future<Status> grpc(int port) {
    JsonObject data = new JsonObject().put("port", port);
    if (port <= 0) {
      return Future.succeededFuture(Status.KO(data.put("reason", "not listening")));
    }
    return client.request(new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port)
            .setURI(PATH).setIdleTimeout(timeoutMs).putHeader("content-type", "application/grpc"))
        .compose(req -> req.send(io.vertx.core.buffer.Buffer.buffer(new byte[5])))
        .compose(resp -> resp.body().map(b -> Status.OK(data)))
        .recover(err -> Future.succeededFuture(Status.KO(data.put("reason", "no answer: " + err.getMessage()))));
  }
}
