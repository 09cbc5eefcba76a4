package dev.syncnode.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.syncnode.config.ConfigHolder;
import dev.syncnode.config.NodeConfig;
import dev.syncnode.metrics.SyncMetrics;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.web.Router;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /health} never says UP while a port of the node is dead, answers 503 (not 500) when a check
 * times out, and a JVM error on an event loop ends the process.
 */
class NodeHealthTest {
  @TempDir Path tmp;
  Vertx vertx;
  HttpClient http;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    http = vertx.createHttpClient();
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private record Answer(int status, JsonObject body) {}

  private Answer get(int port, String uri) throws Exception {
    return http.request(new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(port).setURI(uri))
        .compose(req -> req.send())
        .compose(resp -> resp.body().map(b -> new Answer(resp.statusCode(), b.length() == 0 ? null : b.toJsonObject())))
        .await(20, TimeUnit.SECONDS);
  }

  @Test
  void checkThatTimesOutAnswers503() throws Exception {
    HealthChecks checks = HealthChecks.create(vertx);
    checks.register("slow", 200, p -> { }); // never completes
    Router router = Router.router(vertx);
    router.get("/health").handler(NodeHealth.withChecks(checks));
    HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
        .await(10, TimeUnit.SECONDS);
    Answer a = get(server.actualPort(), "/health");
    assertEquals(503, a.status(), String.valueOf(a.body()));
    assertEquals("DOWN", a.body().getString("outcome"));
    assertFalse(a.body().encode().contains("procedure-execution-failure"), a.body().encode());
  }

  @Test
  void masterIsDownWhenItsGrpcPortIsDead() throws Exception {
    NodeConfig c = NodeConfig.defaults()
        .withNode(new NodeConfig.Node(NodeConfig.Role.MASTER, "m", tmp.toString()))
        .withHttp(new NodeConfig.Endpoint("127.0.0.1", 0))
        .withGrpc(new NodeConfig.Endpoint("127.0.0.1", 0));
    NodeVerticle node = new NodeVerticle(new ConfigHolder(c), SyncMetrics.standalone());
    vertx.deployVerticle(node).await(30, TimeUnit.SECONDS);
    Answer up = get(node.httpPort(), "/health");
    assertEquals(200, up.status(), String.valueOf(up.body()));
    assertTrue(up.body().encode().contains("\"grpc\""), up.body().encode());

    node.grpcEndpoint().stop().await(10, TimeUnit.SECONDS); // the gRPC server is gone, the node runs on
    Answer down = get(node.httpPort(), "/health");
    assertEquals(503, down.status(), String.valueOf(down.body()));
    assertTrue(down.body().encode().contains("no answer"), down.body().encode());
  }
}
