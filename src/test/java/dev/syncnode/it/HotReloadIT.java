package dev.syncnode.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.syncnode.bus.Addresses;
import dev.syncnode.node.NodeVerticle;
import dev.syncnode.worker.SyncReport;
import dev.syncnode.worker.SyncRequest;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker node started the way the launcher starts it (deployment config naming a YAML file)
 * picks up an edit of {@code sync.useGrpc} for its next sync, and keeps its config on a bad edit.
 */
class HotReloadIT {
  @TempDir Path tmp;

  String yaml(Path workspace, Cluster c, boolean useGrpc, String queueSize) {
    return String.join("\n",
        "node:",
        "  role: worker",
        "  key: reload-worker",
        "  workspace: " + workspace,
        "http: { host: 127.0.0.1, port: 0 }",
        "master:",
        "  grpc: 127.0.0.1:" + c.master.grpcPort(),
        "  http: http://127.0.0.1:" + c.master.httpPort(),
        "sync:",
        "  useGrpc: " + useGrpc,
        "  grpcCacheTtl: 0s",
        "  http: { queueSize: " + queueSize + " }",
        "  retry: { maxAttempts: 2, initialBackoff: 10ms, maxBackoff: 20ms }",
        "");
  }

  /** Completes when the condition holds, checking on a Vert.x timer; fails after {@code maxChecks}. */
  static void until(Vertx vertx, BooleanSupplier condition, int maxChecks) throws Exception {
    Promise<Void> done = Promise.promise();
    int[] checks = {0};
    vertx.setPeriodic(20, id -> {
      if (condition.getAsBoolean()) {
        vertx.cancelTimer(id);
        done.tryComplete();
      } else if (++checks[0] > maxChecks) {
        vertx.cancelTimer(id);
        done.tryFail("condition not reached after " + maxChecks + " checks");
      }
    });
    Cluster.await(done.future());
  }

  @Test
  void useGrpcEditSwitchesTheNextSyncsTransportAndBadEditKeepsConfig() throws Exception {
    Path masterWs = Files.createDirectories(tmp.resolve("master"));
    Trees.sampleSpider(masterWs.resolve("s1"));
    try (Cluster c = new Cluster(masterWs, Files.createDirectories(tmp.resolve("unused")),
        Tweaks.cacheTtl(java.time.Duration.ZERO))) {
      Path ws = Files.createDirectories(tmp.resolve("reload-worker"));
      Path conf = tmp.resolve("config.yml");
      Files.writeString(conf, yaml(ws, c, true, "100"));
      Vertx vertx = Vertx.vertx();
      try {
        NodeVerticle node = new NodeVerticle();
        Cluster.await(vertx.deployVerticle(node, new io.vertx.core.DeploymentOptions().setConfig(
            new JsonObject().put("configPath", conf.toString()).put("configScanPeriodMs", 50))));
        assertEquals("grpc", sync(vertx, "s1").transport());

        Files.writeString(conf, yaml(ws, c, false, "100"));
        until(vertx, () -> !node.configHolder().get().sync().useGrpc(), 500);
        Trees.write(masterWs.resolve("s1"), "new.txt", "after reload\n");
        SyncReport overHttp = sync(vertx, "s1");
        assertEquals("http", overHttp.transport());
        assertEquals(1, overHttp.downloaded());
        assertEquals(Trees.describe(masterWs.resolve("s1"), Trees::notIgnored), Trees.describe(ws.resolve("s1")));

        Files.writeString(conf, yaml(ws, c, true, "-5"));
        Files.writeString(conf, "sync: [this is: not valid\n");
        Files.writeString(conf, yaml(ws, c, true, "-5"));
        // a later valid edit is still applied, so the rejected one was really rejected, not missed
        Files.writeString(conf, yaml(ws, c, false, "7"));
        until(vertx, () -> node.configHolder().get().sync().http().queueSize() == 7, 500);
        assertTrue(!node.configHolder().get().sync().useGrpc());
      } finally {
        Cluster.await(vertx.close());
      }
    }
  }

  static SyncReport sync(Vertx vertx, String spider) throws Exception {
    return Cluster.await(vertx.eventBus()
        .<SyncReport>request(Addresses.WORKER_SYNC, new SyncRequest(spider, null), new DeliveryOptions().setSendTimeout(60_000))
        .map(Message::body));
  }
}
