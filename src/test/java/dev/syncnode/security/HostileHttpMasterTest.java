package dev.syncnode.security;

import static dev.syncnode.it.Cluster.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.syncnode.config.NodeConfig;
import dev.syncnode.it.Trees;
import dev.syncnode.manifest.FileEntry;
import dev.syncnode.manifest.ManifestDigest;
import dev.syncnode.manifest.Manifest;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The hostile master over the HTTP fallback: the same manifest checks apply to a JSON manifest (with
 * a correct digest, so only the worker's own validation stands in the way), and downloads that lie
 * about their bytes, never end or stall are cut off. The existing copy survives every case and
 * nothing is written outside the destination.
 */
class HostileHttpMasterTest {
  static final byte[] NEW_KEEP = "new content\n".getBytes(StandardCharsets.UTF_8);
  static final byte[] A = "a\n".getBytes(StandardCharsets.UTF_8);
  static final Duration TIMEOUT = Duration.ofMillis(1000);

  @TempDir static Path tmp;
  static Vertx fakeVertx;
  static HttpServer fake;
  static Nodes.Worker worker;
  static volatile Handler<HttpServerRequest> scan;
  static volatile Handler<HttpServerRequest> download;

  record Case(String name, Handler<HttpServerRequest> scan, Handler<HttpServerRequest> download, String expected) {
    @Override
    public String toString() {
      return name;
    }
  }

  @BeforeAll
  static void start() throws Exception {
    fakeVertx = Vertx.vertx();
    fake = await(fakeVertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0))
        .requestHandler(req -> (req.path().endsWith("/scan") ? scan : download).handle(req)).listen());
    NodeConfig c = Nodes.worker("", "http://127.0.0.1:" + fake.actualPort());
    NodeConfig.Sync s = c.sync();
    worker = new Nodes.Worker(c.withSync(new NodeConfig.Sync(false, s.grpcCacheTtl(), s.grpcChunkSize(), s.ignore(),
        s.http(), new NodeConfig.Retry(2, Duration.ofMillis(5), Duration.ofMillis(10)),
        new NodeConfig.Timeout(TIMEOUT, TIMEOUT))));
  }

  @AfterAll
  static void stop() throws Exception {
    worker.close();
    await(fakeVertx.close());
  }

  static String sha(byte[] b) {
    return FakeMaster.sha256(b);
  }

  static List<FileEntry> base(FileEntry... extra) {
    List<FileEntry> l = new ArrayList<>(List.of(FileEntry.file("keep.txt", NEW_KEEP.length, 0644, 1L, sha(NEW_KEEP)),
        FileEntry.dir("dir", 0755, 1L), FileEntry.file("dir/a.txt", A.length, 0644, 1L, sha(A))));
    l.addAll(List.of(extra));
    return l;
  }

  /** A well-formed JSON manifest of these entries, with their true digest. */
  static Handler<HttpServerRequest> manifest(List<FileEntry> entries) {
    return req -> {
      List<FileEntry> sorted = new ArrayList<>(entries);
      sorted.sort(Manifest.BY_PATH);
      JsonArray a = new JsonArray();
      for (FileEntry e : sorted) {
        JsonObject o = new JsonObject().put("path", e.path()).put("type", e.type().wireName()).put("size", e.size())
            .put("mode", e.mode()).put("mtime", e.mtime()).put("hash", e.hash());
        if (!e.target().isEmpty()) {
          o.put("target", e.target());
        }
        a.add(o);
      }
      req.response().putHeader("Content-Type", "application/json").end(new JsonObject().put("spiderId", "spider1")
          .put("path", "").put("digest", ManifestDigest.of(sorted)).put("total", sorted.size()).put("entries", a)
          .encode());
    };
  }

  static Handler<HttpServerRequest> files(Map<String, byte[]> contents) {
    return req -> {
      byte[] data = contents.get(req.getParam("path"));
      HttpServerResponse r = req.response();
      if (data == null) {
        r.setStatusCode(404).putHeader("Content-Type", "application/json").end("{\"error\":\"no such file\"}");
        return;
      }
      r.putHeader("Content-Type", "application/octet-stream").end(Buffer.buffer(data));
    };
  }

  static Handler<HttpServerRequest> good() {
    return files(Map.of("keep.txt", NEW_KEEP, "dir/a.txt", A));
  }

  static Case bad(String name, String expected, FileEntry... extra) {
    return new Case(name, manifest(base(extra)), good(), expected);
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        bad("escaping path", "escapes", FileEntry.file("../escape.txt", 2, 0644, 1L, sha(A))),
        bad("absolute path", "absolute", FileEntry.file(tmp.resolve("abs.txt").toString(), 2, 0644, 1L, sha(A))),
        bad("backslash traversal", "illegal character", FileEntry.file("..\\escape.txt", 2, 0644, 1L, sha(A))),
        bad("reserved area", "reserved", FileEntry.file(".syncnode/tmp/x.part", 2, 0644, 1L, sha(A))),
        bad("child of a file", "parent directory", FileEntry.file("keep.txt/x", 2, 0644, 1L, sha(A))),
        bad("symlink out", "points outside", FileEntry.symlink("ln", "../../etc", 1L)),
        bad("absurd size", "absurd size", FileEntry.file("big.bin", 1L << 62, 0644, 1L, sha(A))),
        new Case("duplicate path", manifest(base(FileEntry.file("keep.txt", 2, 0644, 1L, sha(A)))), good(),
            "duplicate"),
        new Case("HTML error page instead of a manifest", req -> req.response().setStatusCode(502)
            .putHeader("Content-Type", "text/html").end("<html>bad gateway</html>"), good(), "text/html"),
        new Case("scan that stalls", req -> { }, good(), "timed out"),
        new Case("wrong bytes", manifest(base()), files(Map.of("keep.txt", "evil content".getBytes(), "dir/a.txt", A)),
            "hash mismatch"),
        new Case("more bytes than the size", manifest(base()), files(Map.of("keep.txt",
            "new content\n and more".getBytes(), "dir/a.txt", A)), "manifest says"),
        new Case("body that never ends", manifest(base()), req -> {
          HttpServerResponse r = req.response().setChunked(true).putHeader("Content-Type", "application/octet-stream");
          HostileMasterTest.endless(r, () -> Buffer.buffer(new byte[4096]));
        }, "more than"),
        new Case("download that stalls", manifest(base()), req -> { }, "timed out"))
        .map(Arguments::of);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void hostileHttpMaster(Case c) throws Exception {
    Path dest = HostileMasterTest.oldCopy(Files.createTempDirectory(tmp, "case"));
    Map<String, String> before = Trees.describe(tmp, rel -> !rel.contains(".syncnode"));
    scan = c.scan;
    download = c.download;
    String error = worker.failure("spider1", dest);
    assertTrue(error.toLowerCase(Locale.ROOT).contains(c.expected.toLowerCase(Locale.ROOT)),
        c + ": unclear error: " + error);
    assertEquals(before, Trees.describe(tmp, rel -> !rel.contains(".syncnode")), c + ": something changed");
  }
}
