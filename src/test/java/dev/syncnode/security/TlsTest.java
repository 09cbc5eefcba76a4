package dev.syncnode.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.syncnode.cli.SyncCommand;
import dev.syncnode.config.NodeConfig;
import dev.syncnode.it.Cluster;
import dev.syncnode.it.Trees;
import dev.syncnode.proto.FileScanRequest;
import dev.syncnode.worker.SyncReport;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS on both ports of a master; workers and the CLI trust tls.caPath; plaintext and untrusted clients fail cleanly. */
class TlsTest {
  @TempDir static Path tmp;
  static TestCerts certs;
  static TestCerts rogue;
  static Path workspace;
  static Nodes.Master master;
  static Vertx client;

  @BeforeAll
  static void start() throws Exception {
    certs = TestCerts.generate(tmp.resolve("pki"), "node");
    rogue = TestCerts.generate(tmp.resolve("pki"), "rogue");
    workspace = Files.createDirectories(tmp.resolve("master"));
    Trees.sampleSpider(workspace.resolve("spider1"));
    master = new Nodes.Master(workspace, c -> Nodes.tls(c, certs, true));
    client = Vertx.vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    Cluster.await(client.close());
    master.close();
  }

  private static NodeConfig worker(NodeConfig.Tls tls) {
    return Nodes.worker(master.grpc(), "").withTls(tls);
  }

  private static HttpClientOptions trusting(TestCerts ca) {
    return new HttpClientOptions().setSsl(true).setUseAlpn(true)
        .setTrustOptions(new PemTrustOptions().addCertPath(ca.cert().toString()));
  }

  @Test
  void workerTrustingTheCaSyncsOverTls() throws Exception {
    Path dest = tmp.resolve("w1");
    try (Nodes.Worker w = new Nodes.Worker(worker(new NodeConfig.Tls(false, "", "", certs.cert().toString())))) {
      SyncReport r = w.sync("spider1", dest);
      assertEquals("grpc", r.transport());
      assertEquals(Trees.describe(workspace.resolve("spider1"), Trees::notIgnored), Trees.describe(dest));
    }
  }

  @Test
  void workerOverHttpUsesHttpsAndTrustsTheCa() throws Exception {
    Path dest = tmp.resolve("w-http");
    NodeConfig c = Nodes.worker("", "http://127.0.0.1:" + master.httpPort()) // upgraded to https by tls.caPath
        .withTls(new NodeConfig.Tls(false, "", "", certs.cert().toString()));
    try (Nodes.Worker w = new Nodes.Worker(c)) {
      SyncReport r = w.sync("spider1", dest);
      assertEquals("http", r.transport());
      assertEquals(Trees.describe(workspace.resolve("spider1"), Trees::notIgnored), Trees.describe(dest));
    }
    AuthTest.Cli cli = AuthTest.cli(Map.of(), "--master-http", "https://127.0.0.1:" + master.httpPort(),
        "--http-only", "--spider", "spider1", "--dest", tmp.resolve("cli-http").toString(), "--ca",
        certs.cert().toString(), "--json");
    assertEquals(SyncCommand.OK, cli.code(), cli.err() + cli.out());
    assertEquals("http", new JsonObject(cli.lastLine()).getString("transport"));
  }

  @Test
  void bothPortsServeTls() throws Exception {
    try (HttpProbe https = new HttpProbe(client, master.httpPort(), trusting(certs));
         GrpcProbe grpcs = new GrpcProbe(client, master.node.grpcPort(), trusting(certs))) {
      HttpProbe.Result h = https.get("/health");
      assertEquals(200, h.status(), h.toString());
      GrpcProbe.Result g = grpcs.scan(FileScanRequest.newBuilder().setSpiderId("spider1").build(), null);
      assertTrue(g.ok(), g.toString());
    }
  }

  @Test
  void plaintextClientsFailCleanly() throws Exception {
    try (HttpProbe http = new HttpProbe(client, master.httpPort());
         GrpcProbe grpc = new GrpcProbe(client, master.node.grpcPort())) {
      HttpProbe.Result h = http.get("/health");
      assertEquals(-1, h.status(), "plain HTTP to a TLS port gets no HTTP answer: " + h);
      GrpcProbe.Result g = grpc.scan(FileScanRequest.newBuilder().setSpiderId("spider1").build(), null);
      assertNull(g.status(), "plaintext gRPC to a TLS port fails below gRPC: " + g);
    }
    // raw garbage on both ports: the server closes the connection
    for (int port : new int[] {master.httpPort(), master.node.grpcPort()}) {
      NetClient net = client.createNetClient();
      NetSocket s = Cluster.await(net.connect(port, "127.0.0.1"));
      Promise<Void> closed = Promise.promise();
      s.closeHandler(v -> closed.tryComplete());
      s.write(Buffer.buffer("GET /health HTTP/1.1\r\nHost: x\r\n\r\n"));
      Cluster.await(closed.future());
      Cluster.await(net.close());
    }
    // and a worker without TLS settings gets a clear, non-retried-forever failure
    try (Nodes.Worker w = new Nodes.Worker(worker(new NodeConfig.Tls(false, "", "", "")))) {
      Path dest = tmp.resolve("plain");
      String msg = w.failure("spider1", dest);
      assertTrue(msg.contains("master unreachable") || msg.contains("gRPC"), msg);
      assertTrue(!Files.exists(dest.resolve("main.py")));
    }
    assertHealthy();
  }

  @Test
  void untrustedCertificateIsRefused() throws Exception {
    // a worker trusting another CA, and one trusting only the JVM's default CAs
    for (NodeConfig.Tls tls : new NodeConfig.Tls[] {
        new NodeConfig.Tls(false, "", "", rogue.cert().toString()),
        new NodeConfig.Tls(true, "", "", "")}) {
      try (Nodes.Worker w = new Nodes.Worker(worker(tls))) {
        Path dest = tmp.resolve("untrusted-" + tls.enabled());
        String msg = w.failure("spider1", dest);
        assertTrue(msg.toLowerCase().contains("ssl") || msg.toLowerCase().contains("certif")
            || msg.toLowerCase().contains("handshake") || msg.contains("unreachable"), msg);
        assertTrue(!Files.exists(dest.resolve("main.py")));
      }
    }
    try (HttpProbe https = new HttpProbe(client, master.httpPort(), trusting(rogue))) {
      assertEquals(-1, https.get("/health").status());
    }
    assertHealthy();
  }

  @Test
  void cliTrustsTheCaGivenWithCaFlag() throws Exception {
    Path dest = tmp.resolve("cli");
    AuthTest.Cli ok = AuthTest.cli(Map.of(), "--master", master.grpc(), "--spider", "spider1",
        "--dest", dest.toString(), "--ca", certs.cert().toString(), "--json");
    assertEquals(SyncCommand.OK, ok.code(), ok.err() + ok.out());
    assertEquals("grpc", new JsonObject(ok.lastLine()).getString("transport"));
    assertEquals(Trees.describe(workspace.resolve("spider1"), Trees::notIgnored), Trees.describe(dest));

    AuthTest.Cli env = AuthTest.cli(Map.of("SYNCNODE_TLS_CAPATH", certs.cert().toString()), "--master",
        master.grpc(), "--spider", "spider1", "--dest", tmp.resolve("cli-env").toString(), "--json");
    assertEquals(SyncCommand.OK, env.code(), env.err());

    AuthTest.Cli plain = AuthTest.cli(Map.of(), "--master", master.grpc(), "--spider", "spider1",
        "--dest", tmp.resolve("cli-plain").toString(), "--json");
    assertEquals(SyncCommand.FAILED, plain.code());
    assertTrue(new JsonObject(plain.lastLine()).containsKey("error"));

    AuthTest.Cli missing = AuthTest.cli(Map.of(), "--master", master.grpc(), "--spider", "spider1",
        "--dest", tmp.resolve("cli-missing").toString(), "--ca", tmp.resolve("nope.pem").toString());
    assertEquals(SyncCommand.USAGE, missing.code());
    assertTrue(missing.err().contains("--ca: cannot read"), missing.err());
  }

  @Test
  void missingCertificateStopsTheNodeWithAClearError() {
    Exception e = assertThrows(Exception.class, () -> new Nodes.Master(workspace,
        c -> c.withTls(new NodeConfig.Tls(true, tmp.resolve("absent.pem").toString(), certs.key().toString(), ""))));
    assertTrue(String.valueOf(e.getMessage()).contains("tls.certPath"), String.valueOf(e));
  }

  private static void assertHealthy() throws Exception {
    try (HttpProbe https = new HttpProbe(client, master.httpPort(), trusting(certs))) {
      assertEquals(200, https.get("/health").status());
    }
  }
}
