package dev.syncnode.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.syncnode.bus.Addresses;
import dev.syncnode.config.NodeConfig;
import dev.syncnode.worker.SyncReport;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Worker syncs over HTTP: HTTP only, automatic fallback from a dead gRPC port, tokens. */
class HttpSyncTest {
  @TempDir Path tmp;
  Workspaces dirs;
  Cluster cluster;

  @BeforeEach
  void setUp() throws Exception {
    dirs = Workspaces.withSampleSpider(tmp);
  }

  void start(UnaryOperator<NodeConfig> tweak) throws Exception {
    cluster = dirs.start(tweak);
  }

  @AfterEach
  void tearDown() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  private Map<String, String> expected() throws Exception {
    return Trees.describe(dirs.spider(), Trees::notIgnored);
  }

  private double counter(io.micrometer.core.instrument.MeterRegistry reg, String name, String... tags) {
    return reg.find(name).tags(tags).counters().stream().mapToDouble(c -> c.count()).sum();
  }

  @Test
  void httpOnlySyncGivesTheExactCopyAndThenOnlyTheChange() throws Exception {
    start(c -> Cluster.fastRetries(Cluster.httpOnly(c)));
    SyncReport report = cluster.sync("spider1", null);
    assertEquals("http", report.transport());
    assertEquals(expected(), Trees.describe(dirs.dest()));
    assertEquals(7, report.files());
    assertEquals(7, report.downloaded());
    assertTrue(counter(cluster.masterMetrics.registry(), "syncnode.scan.requests", "transport", "http") >= 1);
    assertTrue(counter(cluster.masterMetrics.registry(), "syncnode.bytes.sent", "transport", "http") > 0);
    assertEquals(0, counter(cluster.masterMetrics.registry(), "syncnode.scan.requests", "transport", "grpc"));

    Files.writeString(dirs.spider().resolve("main.py"), "print('changed')\n");
    Files.delete(dirs.spider().resolve("poetry.lock"));
    Cluster.await(cluster.masterVertx.eventBus().request(Addresses.CACHE_INVALIDATE, "spider1"));
    SyncReport second = cluster.sync("spider1", null);
    assertEquals(expected(), Trees.describe(dirs.dest()));
    assertEquals(1, second.downloaded());
    assertEquals(1, second.deleted());
  }

  @Test
  void closedGrpcPortFallsBackToHttp() throws Exception {
    start(Cluster::fastRetries);
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    cluster.pointWorkerAt("127.0.0.1:" + closed, cluster.masterHttpUrl());
    SyncReport report = cluster.sync("spider1", null);
    assertEquals("http", report.transport());
    assertEquals(expected(), Trees.describe(dirs.dest()));
    assertEquals(1, counter(cluster.workerMetrics.registry(), "syncnode.grpc.fallbacks"));
    assertEquals(1, counter(cluster.workerMetrics.registry(), "syncnode.syncs", "transport", "http", "outcome",
        "success"));
    String scrape = cluster.workerMetrics.scrape();
    assertTrue(scrape.contains("syncnode_grpc_fallbacks_total 1.0"), scrape);
  }

  @Test
  void workerHttpApiReportsHttpTransport() throws Exception {
    start(c -> Cluster.httpOnly(c));
    try (HttpProbe worker = new HttpProbe(cluster.worker.httpPort())) {
      HttpProbe.Reply r = worker.post("/api/sync/spider1");
      assertEquals(200, r.status(), r.text());
      JsonObject report = r.json();
      assertEquals("http", report.getString("transport"));
      assertEquals("spider1", report.getString("spiderId"));
      assertEquals(7, report.getInteger("files"));
      assertEquals(404, worker.post("/api/sync/nope").status());
      assertEquals(400, worker.post("/api/sync/%2e%2e").status());
    }
    assertEquals(expected(), Trees.describe(dirs.dest()));
  }

  @Test
  void tokenIsSentAndAWrongOneFailsWithoutRetries() throws Exception {
    start(c -> Cluster.fastRetries(Cluster.httpOnly(c)).withAuth(new NodeConfig.Auth("t0ken")));
    assertEquals("http", cluster.sync("spider1", null).transport());
    assertEquals(expected(), Trees.describe(dirs.dest()));

    cluster.workerConfig.set(cluster.workerConfig.get().withAuth(new NodeConfig.Auth("wrong")));
    ReplyException e = assertThrows(ReplyException.class, () -> cluster.sync("spider1", null));
    assertEquals(502, e.failureCode(), "the master refused the worker: a bad gateway, " + e.getMessage());
    assertTrue(e.getMessage().contains("HTTP 401"), e.getMessage());
  }

  @Test
  void unknownSpiderOverHttpIsNotFound() throws Exception {
    start(c -> Cluster.fastRetries(Cluster.httpOnly(c)));
    ReplyException e = assertThrows(ReplyException.class, () -> cluster.sync("nope", null));
    assertEquals(404, e.failureCode(), e.getMessage());
  }
}
