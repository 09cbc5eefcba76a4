package dev.syncnode.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.syncnode.config.NodeConfig;
import dev.syncnode.master.scan.SpiderWatchVerticle;
import dev.syncnode.node.NodeVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A node as the launcher starts it (deployment config naming a YAML file, 50 ms scan period): its
 * start and stop lines, a config file deleted and restored under it, a worker whose workspace does
 * not exist yet. Log lines are captured on the root logger, so Vert.x's own lines count too.
 */
class NodeLifecycleIT {
  @TempDir Path tmp;
  final Vertx vertx = Vertx.vertx();
  final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

  @BeforeEach
  void capture() {
    logs.start();
    root.addAppender(logs);
  }

  @AfterEach
  void release() throws Exception {
    Cluster.await(vertx.close());
    root.detachAppender(logs);
  }

  List<ILoggingEvent> logged(Predicate<ILoggingEvent> p) {
    return List.copyOf(logs.list).stream().filter(p).toList();
  }

  static Predicate<ILoggingEvent> says(Level level, String text) {
    return e -> e.getLevel() == level && e.getFormattedMessage().contains(text);
  }

  String masterYaml(Path workspace, boolean useGrpc) {
    return String.join("\n",
        "node: { role: master, key: life-master, workspace: '" + workspace + "' }",
        "http: { host: 127.0.0.1, port: 0 }",
        "grpc: { host: 127.0.0.1, port: 0 }",
        "sync: { useGrpc: " + useGrpc + " }",
        "");
  }

  String deploymentId;

  NodeVerticle deploy(Path conf) throws Exception {
    NodeVerticle node = new NodeVerticle();
    deploymentId = Cluster.await(vertx.deployVerticle(node, new DeploymentOptions().setConfig(
        new JsonObject().put("configPath", conf.toString()).put("configScanPeriodMs", 50))));
    return node;
  }

  /** Checks {@code condition} every scan period; fails after {@code maxChecks}. */
  void until(java.util.function.BooleanSupplier condition, int maxChecks) throws Exception {
    HotReloadIT.until(vertx, condition, maxChecks);
  }

  @Test
  void logsStartAndStopAndSurvivesItsConfigFileGoingAway() throws Exception {
    Path ws = Files.createDirectories(tmp.resolve("ws"));
    Path conf = tmp.resolve("config.yml");
    Files.writeString(conf, masterYaml(ws, true));
    NodeVerticle node = deploy(conf);

    List<ILoggingEvent> started = logged(says(Level.INFO, "started"));
    assertEquals(1, started.size(), "one start line");
    String line = started.get(0).getFormattedMessage();
    for (String part : List.of("master", "life-master", "http 127.0.0.1:" + node.httpPort(),
        "grpc 127.0.0.1:" + node.grpcPort(), ws.toString(), "syncnode ")) {
      assertTrue(line.contains(part), "start line names " + part + ": " + line);
    }
    NodeConfig before = node.configHolder().get();

    Files.delete(conf);
    until(() -> !logged(says(Level.WARN, conf.toString())).isEmpty(), 500);
    // twenty-odd more scans (60 checks 20 ms apart) of the missing file: nothing more is logged about it
    int[] scans = {0};
    until(() -> ++scans[0] > 60, 100);
    assertEquals(1, logged(e -> e.getLevel().isGreaterOrEqual(Level.WARN)).size(),
        "one warning, no errors: " + logged(e -> e.getLevel().isGreaterOrEqual(Level.WARN)));
    assertTrue(logged(says(Level.WARN, conf.toString())).get(0).getFormattedMessage().contains("keeping"));
    assertEquals(before, node.configHolder().get(), "the config is kept");

    Files.writeString(conf, masterYaml(ws, false));
    until(() -> !node.configHolder().get().sync().useGrpc(), 500);
    assertFalse(logged(says(Level.INFO, "config reloaded: sync.useGrpc")).isEmpty());

    Cluster.await(vertx.undeploy(deploymentId));
    List<ILoggingEvent> stopped = logged(says(Level.INFO, "stopped"));
    assertEquals(1, stopped.size(), "one stop line: " + stopped);
    assertTrue(stopped.get(0).getFormattedMessage().contains("life-master"));
  }

  @Test
  void aWorkerCreatesItsMissingWorkspaceAndIsHealthy() throws Exception {
    Path ws = tmp.resolve("not/yet/there");
    Path conf = tmp.resolve("worker.yml");
    Files.writeString(conf, String.join("\n",
        "node: { role: worker, key: life-worker, workspace: '" + ws + "' }",
        "http: { host: 127.0.0.1, port: 0 }",
        "master: { grpc: '127.0.0.1:1', http: 'http://127.0.0.1:1' }",
        ""));
    NodeVerticle node = deploy(conf);
    assertTrue(Files.isDirectory(ws), "workspace created");
    HttpResponse<String> health = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort() + "/health")).build(),
        HttpResponse.BodyHandlers.ofString());
    JsonObject checks = new JsonObject(health.body());
    // the master at port 1 is down; the workspace check is what this test is about
    assertTrue(health.body().contains("\"workspace\""), health.body());
    assertEquals("UP", checks.getJsonArray("checks").stream()
        .map(JsonObject.class::cast).filter(c -> "workspace".equals(c.getString("id")))
        .findFirst().orElseThrow().getString("status"), health.body());
  }

  @Test
  void aMasterWhoseWorkspaceAppearsLaterWatchesAndServesIt() throws Exception {
    Path ws = tmp.resolve("late-master");
    try (Cluster c = new Cluster(ws, Files.createDirectories(tmp.resolve("late-worker")))) {
      Promise<Void> armed = Promise.promise();
      Promise<Void> invalidated = Promise.promise();
      c.masterVertx.eventBus().addOutboundInterceptor(ctx -> {
        if (dev.syncnode.bus.Addresses.CACHE_INVALIDATE.equals(ctx.message().address())) {
          // the watch, once armed on the new workspace, drops every cached spider ("*"), then names each
          (SpiderWatchVerticle.ALL.equals(ctx.message().body()) ? armed : invalidated).tryComplete();
        }
        ctx.next();
      });
      Trees.sampleSpider(ws.resolve("s1"));
      Cluster.await(armed.future().timeout(10, java.util.concurrent.TimeUnit.SECONDS));
      assertTrue(c.sync("s1", null).files() > 0, "served");
      // the default 60 s cache TTL would hide this edit without a watch on the new workspace
      Trees.write(ws.resolve("s1"), "added.py", "LATE = 1\n");
      Cluster.await(invalidated.future().timeout(10, java.util.concurrent.TimeUnit.SECONDS));
      assertEquals(1, c.sync("s1", null).downloaded());
      assertEquals("LATE = 1\n", Files.readString(tmp.resolve("late-worker/s1/added.py")));
    }
  }
}
