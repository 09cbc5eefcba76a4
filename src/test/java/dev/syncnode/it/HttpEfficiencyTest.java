package dev.syncnode.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.syncnode.config.NodeConfig;
import dev.syncnode.worker.SyncReport;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP fallback path: no-change syncs answered 304 without a list, gzip for manifests and
 * compressible whole files (not for ranges or incompressible data), local reuse. Real HTTP on
 * loopback; wire bytes counted by a TCP proxy in front of the master's HTTP port.
 */
class HttpEfficiencyTest {
  @TempDir Path tmp;
  Path workspace;
  Path spider;
  Path mirror;
  Cluster cluster;
  CountingProxy proxy;
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void setUp() throws Exception {
    workspace = Files.createDirectories(tmp.resolve("master"));
    mirror = Files.createDirectories(tmp.resolve("worker"));
    spider = Files.createDirectories(workspace.resolve("s1"));
    cluster = new Cluster(workspace, mirror, c -> Tweaks.cacheTtl(Duration.ofMillis(1))
        .apply(Cluster.fastRetries(Cluster.httpOnly(c))));
    proxy = new CountingProxy(cluster.master.httpPort());
    NodeConfig w = cluster.workerConfig.get();
    cluster.workerConfig.set(w.withMaster(new NodeConfig.Master(w.master().grpc(),
        "http://127.0.0.1:" + proxy.port())));
  }

  @AfterEach
  void tearDown() throws Exception {
    proxy.close();
    cluster.close();
  }

  static String python(int lines) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < lines; i++) {
      sb.append("def parse_").append(i % 97).append("(self, response):\n    yield {'n': ").append(i).append("}\n");
    }
    return sb.toString();
  }

  HttpResponse<byte[]> get(String pathAndQuery, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + cluster.master.httpPort()
        + pathAndQuery)).GET();
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  static byte[] gunzip(byte[] body) throws Exception {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
      return in.readAllBytes();
    }
  }

  @Test
  void noChangeSyncIsA304WithoutTheList() throws Exception {
    for (int i = 0; i < 500; i++) {
      Trees.write(spider, "pkg" + (i % 10) + "/m" + i + ".py", "X = " + i + "\n");
    }
    SyncReport first = cluster.sync("s1", null);
    assertEquals("http", first.transport());
    long before = proxy.total();
    SyncReport again = cluster.sync("s1", null);
    long moved = proxy.total() - before;
    assertTrue(again.unchanged());
    assertEquals(500, again.files());
    assertTrue(moved < 1024, "a no-change HTTP sync of 500 files moved " + moved + " bytes");

    HttpResponse<byte[]> scan = get("/api/sync/s1/scan");
    String etag = scan.headers().firstValue("ETag").orElseThrow();
    assertEquals(304, get("/api/sync/s1/scan", "If-None-Match", etag).statusCode());
    String digest = etag.replace("\"", "");
    assertEquals(304, get("/api/sync/s1/scan?knownDigest=" + digest).statusCode());
    assertEquals(200, get("/api/sync/s1/scan", "If-None-Match", "\"other\"").statusCode());
  }

  @Test
  void gzipForManifestsAndCompressibleFilesOnly() throws Exception {
    String text = python(20_000);
    byte[] noise = new byte[512 * 1024];
    new Random(1).nextBytes(noise);
    Trees.write(spider, "spider.py", text);
    Trees.write(spider, "noise.bin", noise);

    HttpResponse<byte[]> manifest = get("/api/sync/s1/scan", "Accept-Encoding", "gzip");
    assertEquals("gzip", manifest.headers().firstValue("Content-Encoding").orElse(""));
    assertTrue(new String(gunzip(manifest.body())).contains("spider.py"));

    HttpResponse<byte[]> py = get("/api/sync/s1/download?path=spider.py", "Accept-Encoding", "gzip");
    assertEquals(200, py.statusCode());
    assertEquals("gzip", py.headers().firstValue("Content-Encoding").orElse(""));
    assertTrue(py.body().length < text.length() / 2, "gzipped to " + py.body().length + " of " + text.length());
    assertEquals(text, new String(gunzip(py.body())));

    HttpResponse<byte[]> bin = get("/api/sync/s1/download?path=noise.bin", "Accept-Encoding", "gzip");
    assertFalse(bin.headers().firstValue("Content-Encoding").orElse("identity").contains("gzip"));
    assertEquals(noise.length, bin.body().length);

    HttpResponse<byte[]> range = get("/api/sync/s1/download?path=spider.py", "Accept-Encoding", "gzip",
        "Range", "bytes=100-");
    assertEquals(206, range.statusCode());
    assertFalse(range.headers().firstValue("Content-Encoding").orElse("identity").contains("gzip"));
    assertEquals(text.substring(100), new String(range.body()));

    HttpResponse<byte[]> plain = get("/api/sync/s1/download?path=spider.py");
    assertNull(plain.headers().firstValue("Content-Encoding").filter(v -> v.contains("gzip")).orElse(null));
    assertEquals(text, new String(plain.body()));

    long before = proxy.total();
    cluster.sync("s1", null);
    long moved = proxy.total() - before;
    assertEquals(Trees.describe(spider, Trees::notIgnored), Trees.describe(mirror.resolve("s1")));
    assertTrue(moved < text.length() / 2 + noise.length + 32 * 1024, "HTTP sync moved " + moved + " bytes");
  }

  @Test
  void movedFilesAreReusedOverHttpToo() throws Exception {
    byte[] blob = new byte[300 * 1024];
    new Random(2).nextBytes(blob);
    Trees.write(spider, "a/blob.bin", blob);
    cluster.sync("s1", null);
    Files.createDirectories(spider.resolve("b"));
    Files.move(spider.resolve("a/blob.bin"), spider.resolve("b/blob.bin"));
    long before = proxy.total();
    SyncReport r = cluster.sync("s1", null);
    assertEquals(1, r.reused());
    assertTrue(proxy.total() - before < 8 * 1024, "a move moved " + (proxy.total() - before) + " bytes");
    assertEquals(Trees.describe(spider, Trees::notIgnored), Trees.describe(mirror.resolve("s1")));
  }
}
