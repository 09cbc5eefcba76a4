package dev.syncnode.security;

import static dev.syncnode.it.Cluster.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.syncnode.it.Trees;
import dev.syncnode.proto.FileDownloadRequest;
import dev.syncnode.proto.FileScanRequest;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random input, a bounded number of times (not for a bounded time), against both ports of a master:
 * raw bytes on the sockets, random bytes as gRPC messages, random protobuf requests built from
 * dangerous fragments, random HTTP requests. Afterwards the node must answer {@code /health} and
 * serve an exact copy; no answer may ever contain a byte of a file outside the spider, and no HTTP
 * answer may be a 500. The seed is fixed (override with {@code -Dfuzz.seed=N}) so a failure replays.
 */
class FuzzTest {
  static final String SECRET = "TOP-SECRET";
  static final long SEED = Long.getLong("fuzz.seed", 20240611L);
  static final int ROUNDS = Integer.getInteger("fuzz.rounds", 250);
  static final String[] FRAGMENTS = {"..", ".", "/", "\\", "%2e", "%2f", "%00", "\0", "\n", "spider1", "ok.txt",
      "sub", "evil-dir", "evil-link", "secret.txt", "~", "C:", "..\\..", "../", "//", "\u202e", "\uFF0E", "%",
      "a".repeat(300), ".git", ".syncnode", "*", "?", "#", " ", "'", "\"", "\u00e9"};

  @TempDir static Path tmp;
  static Nodes.Master master;
  static Vertx client;
  static Random random;
  static final Map<String, Integer> outcomes = new TreeMap<>();

  @BeforeAll
  static void start() throws Exception {
    Path outside = Files.createDirectories(tmp.resolve("outside"));
    Files.writeString(outside.resolve("secret.txt"), SECRET + "\n");
    Path ws = Files.createDirectories(tmp.resolve("ws"));
    Trees.sampleSpider(ws.resolve("spider1"));
    Trees.write(ws.resolve("spider1"), "ok.txt", "fine\n");
    Files.createSymbolicLink(ws.resolve("spider1/evil-link"), outside.resolve("secret.txt"));
    Files.createSymbolicLink(ws.resolve("spider1/evil-dir"), outside);
    master = new Nodes.Master(ws, c -> c);
    client = Vertx.vertx();
    random = new Random(SEED);
  }

  @AfterAll
  static void stop() throws Exception {
    System.out.println("fuzz seed " + SEED + ", outcomes " + outcomes);
    assertNodeUp();
    await(client.close());
    master.close();
  }

  static void count(String what) {
    outcomes.merge(what, 1, Integer::sum);
  }

  static String randomText() {
    StringBuilder b = new StringBuilder();
    int n = random.nextInt(6);
    for (int i = 0; i < n; i++) {
      b.append(FRAGMENTS[random.nextInt(FRAGMENTS.length)]);
      if (random.nextBoolean()) {
        b.append('/');
      }
    }
    return b.toString();
  }

  static byte[] randomBytes(int max) {
    byte[] b = new byte[random.nextInt(max + 1)];
    random.nextBytes(b);
    return b;
  }

  @Test
  void randomGrpcMessages() throws Exception {
    String[] methods = {"syncnode.v1.SyncService/StreamFileScan", "syncnode.v1.SyncService/StreamFileDownload",
        "syncnode.v1.SyncService/Nope", "grpc.health.v1.Health/Check"};
    try (GrpcProbe grpc = new GrpcProbe(client, master.node.grpcPort())) {
      for (int i = 0; i < ROUNDS; i++) {
        GrpcProbe.Result r;
        switch (random.nextInt(3)) {
          case 0 -> r = grpc.raw(methods[random.nextInt(methods.length)], Buffer.buffer(randomBytes(512)));
          case 1 -> r = grpc.scan(FileScanRequest.newBuilder().setSpiderId(random.nextInt(3) == 0 ? "spider1"
              : randomText()).setPath(randomText()).setNodeKey(randomText()).build(), null);
          default -> r = grpc.download(FileDownloadRequest.newBuilder().setSpiderId(random.nextInt(2) == 0
              ? "spider1" : randomText()).setPath(randomText()).setOffset(random.nextLong() % 4096).build(), null);
        }
        assertNotNull(r.status(), "every call ends with a gRPC status: " + r);
        count("grpc " + r.status());
        assertFalse(new String(r.data(), StandardCharsets.ISO_8859_1).contains(SECRET), "leak: " + r);
        assertFalse(r.message().contains(SECRET), "leak: " + r);
      }
    }
  }

  @Test
  void randomHttpRequests() throws Exception {
    HttpMethod[] methods = {HttpMethod.GET, HttpMethod.POST, HttpMethod.PUT, HttpMethod.DELETE, HttpMethod.HEAD,
        HttpMethod.OPTIONS, HttpMethod.PATCH};
    String[] prefixes = {"/api/sync/", "/api/spiders", "/api/", "/health", "/metrics", "/", "/api/sync/spider1/",
        "/api/nodes", "/api/tasks/"};
    String[] suffixes = {"/scan", "/download", "", "/x"};
    try (HttpProbe http = new HttpProbe(client, master.httpPort())) {
      for (int i = 0; i < ROUNDS; i++) {
        String uri = prefixes[random.nextInt(prefixes.length)] + urlish(randomText())
            + suffixes[random.nextInt(suffixes.length)]
            + (random.nextBoolean() ? "?path=" + urlish(randomText()) : "");
        Map<String, String> headers = new LinkedHashMap<>();
        if (random.nextBoolean()) {
          headers.put("Range", "bytes=" + (random.nextInt(20) - 5) + "-" + (random.nextBoolean() ? "" : random.nextInt(99)));
        }
        if (random.nextInt(4) == 0) {
          headers.put("Authorization", "Bearer " + urlish(randomText()));
        }
        if (random.nextInt(4) == 0) {
          headers.put("Content-Type", List.of("application/json", "application/grpc", "text/html", "x/y")
              .get(random.nextInt(4)));
        }
        HttpMethod m = methods[random.nextInt(methods.length)];
        Buffer body = random.nextBoolean() ? Buffer.buffer(randomBytes(2048)) : null;
        HttpProbe.Result r = http.request(m, uri, headers, body);
        count("http " + (r.status() < 0 ? "no answer" : r.status()));
        assertTrue(r.status() != 500, m + " " + uri + " -> " + r);
        assertFalse(r.text().contains(SECRET), "leak: " + m + " " + uri);
      }
    }
  }

  @Test
  void randomBytesOnBothSockets() throws Exception {
    byte[] preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    byte[] get = "GET /api/sync/spider1/download?path=../".getBytes(StandardCharsets.US_ASCII);
    NetClient net = client.createNetClient();
    for (int i = 0; i < ROUNDS; i++) {
      int port = random.nextBoolean() ? master.httpPort() : master.node.grpcPort();
      NetSocket s = await(net.connect(port, "127.0.0.1"));
      Buffer b = Buffer.buffer();
      switch (random.nextInt(3)) {
        case 0 -> b.appendBytes(preface);
        case 1 -> b.appendBytes(get);
        default -> { }
      }
      b.appendBytes(randomBytes(4096));
      s.handler(data -> assertFalse(data.toString(StandardCharsets.ISO_8859_1).contains(SECRET)));
      await(s.write(b));
      await(s.close());
      count("raw socket");
    }
    await(net.close());
  }

  static String urlish(String s) {
    StringBuilder b = new StringBuilder();
    for (char c : s.toCharArray()) {
      if (c < 0x21 || c > 0x7e || c == '#' || c == '?' || c == '%' && random.nextBoolean()) {
        for (byte x : String.valueOf(c).getBytes(StandardCharsets.UTF_8)) {
          b.append('%').append(String.format("%02X", x & 0xff));
        }
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  static void assertNodeUp() throws Exception {
    try (HttpProbe http = new HttpProbe(client, master.httpPort())) {
      assertEquals(200, http.get("/health").status());
    }
    Path dest = tmp.resolve("copy-" + System.nanoTime());
    try (Nodes.Worker w = new Nodes.Worker(Nodes.worker(master.grpc(), "http://127.0.0.1:" + master.httpPort()))) {
      w.sync("spider1", dest);
    }
    assertEquals(Trees.describe(tmp.resolve("ws/spider1"), rel -> Trees.notIgnored(rel) && !rel.startsWith("evil-")),
        Trees.describe(dest));
  }
}
