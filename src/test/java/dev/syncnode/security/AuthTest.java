package dev.syncnode.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.syncnode.cli.SyncCommand;
import dev.syncnode.config.NodeConfig;
import dev.syncnode.it.Cluster;
import dev.syncnode.it.Trees;
import dev.syncnode.it.Workspaces;
import dev.syncnode.proto.FileDownloadRequest;
import dev.syncnode.proto.FileScanRequest;
import dev.syncnode.worker.SyncReport;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.grpc.common.GrpcStatus;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Token auth end to end: gRPC metadata, the HTTP API, /health and /metrics, workers and the CLI. */
class AuthTest {
  static final String TOKEN = "s3cret-Token-42";

  @TempDir Path tmp;
  Workspaces dirs;
  Cluster cluster;
  Vertx client;
  GrpcProbe grpc;
  HttpProbe masterHttp;

  @BeforeEach
  void setUp() throws Exception {
    dirs = Workspaces.withSampleSpider(tmp);
    cluster = dirs.start(c -> Cluster.fastRetries(c).withAuth(new NodeConfig.Auth(TOKEN)));
    client = Vertx.vertx();
    grpc = new GrpcProbe(client, cluster.master.grpcPort());
    masterHttp = new HttpProbe(client, cluster.master.httpPort());
  }

  @AfterEach
  void tearDown() throws Exception {
    grpc.close();
    masterHttp.close();
    Cluster.await(client.close());
    cluster.close();
  }

  @Test
  void grpcCallsNeedTheToken() throws Exception {
    FileScanRequest scan = FileScanRequest.newBuilder().setSpiderId("spider1").build();
    FileDownloadRequest download = FileDownloadRequest.newBuilder().setSpiderId("spider1").setPath("main.py").build();
    for (String header : new String[] {null, "", "Bearer", "Bearer ", "Bearer wrong", "Bearer " + TOKEN + "x",
        "Basic " + TOKEN, TOKEN, "Bearer  " + TOKEN, "Bearer " + TOKEN.substring(1)}) {
      GrpcProbe.Result r = grpc.scan(scan, header);
      assertEquals(GrpcStatus.UNAUTHENTICATED, r.status(), "scan with " + header + ": " + r);
      assertEquals(0, r.messages());
      assertFalse(r.message().contains(TOKEN), "the token leaks: " + r.message());
      GrpcProbe.Result d = grpc.download(download, header);
      assertEquals(GrpcStatus.UNAUTHENTICATED, d.status(), "download with " + header + ": " + d);
      assertEquals(0, d.data().length);
    }
    assertTrue(grpc.scan(scan, "Bearer " + TOKEN).ok());
    assertTrue(grpc.scan(scan, "bearer " + TOKEN).ok(), "the scheme is case-insensitive");
    GrpcProbe.Result d = grpc.download(download, "Bearer " + TOKEN);
    assertTrue(d.ok(), d.toString());
    assertEquals("print('hello')\n", new String(d.data(), StandardCharsets.UTF_8));
    assertEquals(1.0, cluster.masterMetrics.scansTotal(), "refused calls never reach the scanner");
  }

  @Test
  void httpApiNeedsTheTokenHealthDoesNot() throws Exception {
    for (String uri : List.of("/api/spiders", "/api/sync/spider1/scan", "/api/sync/spider1/download?path=main.py",
        "/api/nothing-here", "/%61pi/spiders", "/api/../api/spiders", "/./api/spiders", "//api/spiders")) {
      for (String header : new String[] {null, "Bearer nope", "Bearer " + TOKEN + "x", "Basic abc", "Bearer"}) {
        HttpProbe.Result r = masterHttp.get(uri, header == null ? Map.of() : Map.of("Authorization", header));
        assertTrue(r.status() == 401 || r.status() == 400 || r.status() == 404, uri + " with " + header + ": " + r);
        assertFalse(r.text().contains("hello"), r.toString());
        assertFalse(r.text().contains(TOKEN), r.toString());
        if (r.status() == 401) {
          assertEquals(new JsonObject(HttpAuth.UNAUTHORIZED), new JsonObject(r.text()), "no detail: " + r);
          assertTrue(r.headers().get("Content-Type").startsWith("application/json"));
          assertEquals("Bearer", r.headers().get("WWW-Authenticate"));
        }
      }
    }
    assertEquals(401, masterHttp.get("/api/spiders").status());
    assertNotEquals(401, masterHttp.get("/api/spiders", Map.of("Authorization", "Bearer " + TOKEN)).status());
    assertEquals(200, masterHttp.get("/health").status(), "/health stays open");
    assertEquals(200, masterHttp.get("/metrics").status(), "/metrics is open by default");
  }

  @Test
  void metricsCanRequireTheToken() throws Exception {
    cluster.masterConfig.set(cluster.masterConfig.get().withMetrics(new NodeConfig.Metrics(true, true)));
    assertEquals(401, masterHttp.get("/metrics").status());
    assertEquals(401, masterHttp.get("/metrics", Map.of("Authorization", "Bearer x")).status());
    assertEquals(200, masterHttp.get("/metrics", Map.of("Authorization", "Bearer " + TOKEN)).status());
    assertEquals(200, masterHttp.get("/health").status());
  }

  @Test
  void workerSendsItsTokenAndAWrongOneFailsAtOnce() throws Exception {
    SyncReport report = cluster.sync("spider1", null);
    assertEquals("grpc", report.transport());
    assertEquals(Trees.describe(dirs.spider(), Trees::notIgnored), Trees.describe(dirs.dest()));

    Map<String, String> before = Trees.describe(dirs.dest());
    Trees.write(dirs.spider(), "main.py", "changed\n");
    NodeConfig good = cluster.workerConfig.get();
    cluster.workerConfig.set(good.withAuth(new NodeConfig.Auth("wrong")));
    try {
      Cluster.await(cluster.syncAsync("spider1", null));
      throw new AssertionError("a wrong token must fail");
    } catch (ReplyException e) {
      assertTrue(e.getMessage().contains("UNAUTHENTICATED"), e.getMessage());
      assertEquals(502, e.failureCode(), "the master refused the worker: a bad gateway");
    }
    assertEquals(before, Trees.describe(dirs.dest()), "the old copy stays");
    assertEquals(0.0, counter(cluster.workerMetrics, "syncnode.grpc.fallbacks"), "auth errors do not fall back to HTTP");
  }

  @Test
  void workerHttpApiNeedsTheToken() throws Exception {
    try (HttpProbe worker = new HttpProbe(client, cluster.worker.httpPort())) {
      assertEquals(401, worker.request(HttpMethod.POST, "/api/sync/spider1", Map.of(), null).status());
      assertEquals(200, worker.get("/health").status());
      HttpProbe.Result ok = worker.request(HttpMethod.POST, "/api/sync/spider1",
          Map.of("Authorization", "Bearer " + TOKEN), null);
      assertEquals(200, ok.status(), ok.toString());
      assertEquals("spider1", new JsonObject(ok.text()).getString("spiderId"));
    }
  }

  @Test
  void tokenChangeAppliesToTheNextRequest() throws Exception {
    FileScanRequest scan = FileScanRequest.newBuilder().setSpiderId("spider1").build();
    assertTrue(grpc.scan(scan, "Bearer " + TOKEN).ok());
    cluster.masterConfig.set(cluster.masterConfig.get().withAuth(new NodeConfig.Auth("rotated")));
    assertEquals(GrpcStatus.UNAUTHENTICATED, grpc.scan(scan, "Bearer " + TOKEN).status());
    assertTrue(grpc.scan(scan, "Bearer rotated").ok());
    assertEquals(401, masterHttp.get("/api/spiders", Map.of("Authorization", "Bearer " + TOKEN)).status());
  }

  @Test
  void cliTakesTheTokenFromTheFlagOrTheEnvironment() throws Exception {
    String master = "127.0.0.1:" + cluster.master.grpcPort();
    Cli none = cli(Map.of(), "--master", master, "--spider", "spider1", "--dest", tmp.resolve("c0").toString(), "--json");
    assertEquals(SyncCommand.FAILED, none.code, none.err);
    assertTrue(none.lastLine().contains("UNAUTHENTICATED"), none.out);
    assertFalse(Files.exists(tmp.resolve("c0/main.py")));

    Cli flag = cli(Map.of(), "--master", master, "--spider", "spider1", "--dest", tmp.resolve("c1").toString(),
        "--token", TOKEN, "--json");
    assertEquals(SyncCommand.OK, flag.code, flag.err);
    assertEquals("grpc", new JsonObject(flag.lastLine()).getString("transport"));

    Cli env = cli(Map.of("SYNCNODE_AUTH_TOKEN", TOKEN), "--master", master, "--spider", "spider1", "--dest",
        tmp.resolve("c2").toString(), "--json");
    assertEquals(SyncCommand.OK, env.code, env.err);
    assertEquals(Trees.describe(dirs.spider(), Trees::notIgnored), Trees.describe(tmp.resolve("c2")));
  }

  static double counter(dev.syncnode.metrics.SyncMetrics m, String name) {
    io.micrometer.core.instrument.Counter c = m.registry().find(name).counter();
    return c == null ? 0 : c.count();
  }

  record Cli(int code, String out, String err) {
    String lastLine() {
      String[] lines = out.strip().split("\n");
      return lines[lines.length - 1];
    }
  }

  static Cli cli(Map<String, String> env, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = SyncCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), env);
    return new Cli(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }
}
