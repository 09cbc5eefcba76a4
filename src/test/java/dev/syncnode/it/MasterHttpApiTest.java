package dev.syncnode.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.syncnode.config.NodeConfig;
import dev.syncnode.manifest.ManifestDigest;
import dev.syncnode.manifest.FileEntry;
import dev.syncnode.manifest.EntryType;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The master's HTTP API over a real socket: shapes, headers, ranges, confinement, auth. */
class MasterHttpApiTest {
  static final String SECRET = "TOP-SECRET-OUTSIDE-THE-SPIDER";

  @TempDir Path tmp;
  Workspaces dirs;
  Path spider;
  byte[] blob;
  Cluster cluster;
  HttpProbe http;

  @BeforeEach
  void setUp() throws Exception {
    dirs = Workspaces.withSampleSpider(tmp);
    Path workspace = dirs.workspace();
    spider = dirs.spider();
    Files.createDirectories(workspace.resolve("spider2"));
    Files.writeString(workspace.resolve("secret.txt"), SECRET);
    Files.writeString(tmp.resolve("outside.txt"), SECRET);
    Files.createSymbolicLink(workspace.resolve("linked-spider"), spider);
    Files.createSymbolicLink(spider.resolve("escape-link"), Path.of("../secret.txt"));
    blob = Trees.random(7, 300_000);
    Trees.write(spider, "data/blob.bin", blob);
  }

  void start(java.util.function.UnaryOperator<NodeConfig> tweak) throws Exception {
    cluster = dirs.start(tweak);
    http = new HttpProbe(cluster.master.httpPort());
  }

  @AfterEach
  void tearDown() throws Exception {
    if (http != null) {
      http.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void listsSpiders() throws Exception {
    start(c -> c);
    HttpProbe.Reply r = http.get("/api/spiders");
    assertEquals(200, r.status());
    assertEquals("application/json", r.header("Content-Type"));
    assertEquals(new JsonArray().add("spider1").add("spider2"), r.json().getJsonArray("spiders"));
  }

  @Test
  void scanAnswersTheManifestAsJson() throws Exception {
    start(c -> c);
    HttpProbe.Reply r = http.get("/api/sync/spider1/scan");
    assertEquals(200, r.status(), r.text());
    assertEquals("application/json", r.header("Content-Type"));
    JsonObject m = r.json();
    assertEquals("spider1", m.getString("spiderId"));
    assertEquals("", m.getString("path"));
    JsonArray entries = m.getJsonArray("entries");
    assertEquals(entries.size(), m.getInteger("total"));
    Set<String> paths = new HashSet<>();
    List<FileEntry> parsed = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      JsonObject e = entries.getJsonObject(i);
      paths.add(e.getString("path"));
      parsed.add(new FileEntry(e.getString("path"), EntryType.fromWireName(e.getString("type")), e.getLong("size"),
          e.getInteger("mode"), e.getLong("mtime"), e.getString("hash"), e.getString("target", "")));
    }
    assertEquals(ManifestDigest.of(parsed), m.getString("digest"));
    assertTrue(paths.containsAll(List.of("main.py", "pkg/sub/deep/module.py", "empty/dir", "data/blob.bin")));
    assertFalse(paths.contains(".git/HEAD"));
    JsonObject blobEntry = find(entries, "data/blob.bin");
    assertEquals("file", blobEntry.getString("type"));
    assertEquals(blob.length, blobEntry.getLong("size"));
    assertEquals(Trees.sha256(spider.resolve("data/blob.bin")), blobEntry.getString("hash"));
    assertEquals("main.py", find(entries, "link-to-main.py").getString("target"));
    assertEquals(0755, find(entries, "run.sh").getInteger("mode"));

    HttpProbe.Reply sub = http.get("/api/sync/spider1/scan?path=pkg");
    assertEquals(200, sub.status(), sub.text());
    assertEquals("pkg", sub.json().getString("path"));
    for (Object o : sub.json().getJsonArray("entries")) {
      String p = ((JsonObject) o).getString("path");
      assertTrue(p.equals("pkg") || p.startsWith("pkg/"), p);
    }
  }

  @Test
  void downloadStreamsTheFileWithHeaders() throws Exception {
    start(c -> c);
    HttpProbe.Reply r = http.get("/api/sync/spider1/download?path=data/blob.bin");
    assertEquals(200, r.status(), r.text());
    assertEquals("application/octet-stream", r.header("Content-Type"));
    assertEquals("\"" + Trees.sha256(spider.resolve("data/blob.bin")) + "\"", r.header("ETag"));
    assertEquals(Integer.toString(blob.length), r.header("Content-Length"));
    assertEquals("bytes", r.header("Accept-Ranges"));
    assertArrayEquals(blob, r.body().getBytes());

    HttpProbe.Reply unicode = http.get("/api/sync/spider1/download?path=donn%C3%A9es/na%C3%AFve-%E3%83%95%E3%82%A1%E3%82%A4%E3%83%AB.txt");
    assertEquals(200, unicode.status(), unicode.text());
    assertEquals("unicode\n", unicode.text());
    HttpProbe.Reply spaces = http.get("/api/sync/spider1/download?path=name%20with%20spaces.txt");
    assertEquals("spaces\n", spaces.text());
  }

  @Test
  void rangesAnswer206WithTheRightBytes() throws Exception {
    start(c -> c);
    String uri = "/api/sync/spider1/download?path=data/blob.bin";
    int n = blob.length;

    HttpProbe.Reply mid = http.get(uri, Map.of("Range", "bytes=1000-1999"));
    assertEquals(206, mid.status());
    assertEquals("bytes 1000-1999/" + n, mid.header("Content-Range"));
    assertEquals("1000", mid.header("Content-Length"));
    assertArrayEquals(Arrays.copyOfRange(blob, 1000, 2000), mid.body().getBytes());

    HttpProbe.Reply rest = http.get(uri, Map.of("Range", "bytes=" + (n / 2) + "-"));
    assertEquals(206, rest.status());
    assertEquals("bytes " + (n / 2) + "-" + (n - 1) + "/" + n, rest.header("Content-Range"));
    assertArrayEquals(Arrays.copyOfRange(blob, n / 2, n), rest.body().getBytes());

    HttpProbe.Reply tail = http.get(uri, Map.of("Range", "bytes=-10"));
    assertEquals(206, tail.status());
    assertArrayEquals(Arrays.copyOfRange(blob, n - 10, n), tail.body().getBytes());

    HttpProbe.Reply last = http.get(uri, Map.of("Range", "bytes=" + (n - 1) + "-"));
    assertEquals(206, last.status());
    assertEquals(1, last.body().length());

    HttpProbe.Reply beyond = http.get(uri, Map.of("Range", "bytes=" + n + "-"));
    assertEquals(416, beyond.status());
    assertEquals("bytes */" + n, beyond.header("Content-Range"));
    assertNotNull(beyond.json().getString("error"));
    for (String huge : List.of("bytes=9223372036854775807-", "bytes=99999999999999999999-")) {
      HttpProbe.Reply far = http.get(uri, Map.of("Range", huge));
      assertEquals(416, far.status(), huge);
      assertEquals("bytes */" + n, far.header("Content-Range"), huge);
      assertNotNull(far.json().getString("error"), huge);
    }

    HttpProbe.Reply otherVersion = http.get(uri, Map.of("Range", "bytes=10-", "If-Range", "\"stale\""));
    assertEquals(200, otherVersion.status(), "If-Range of another version: the whole file");
    assertArrayEquals(blob, otherVersion.body().getBytes());

    HttpProbe.Reply garbled = http.get(uri, Map.of("Range", "bytes=oops"));
    assertEquals(200, garbled.status(), "a malformed Range is ignored");
    assertEquals(n, garbled.body().length());
  }

  @Test
  void traversalAndBadInputAre400AndServeNothing() throws Exception {
    start(c -> c);
    List<String> attempts = List.of(
        "/api/sync/spider1/download?path=../secret.txt",
        "/api/sync/spider1/download?path=..%2Fsecret.txt",
        "/api/sync/spider1/download?path=%2e%2e%2fsecret.txt",
        "/api/sync/spider1/download?path=%2e%2e/%2e%2e/outside.txt",
        "/api/sync/spider1/download?path=pkg/../../secret.txt",
        "/api/sync/spider1/download?path=/etc/passwd",
        "/api/sync/spider1/download?path=%2Fetc%2Fpasswd",
        "/api/sync/spider1/download?path=main.py%00.txt",
        "/api/sync/spider1/download?path=pkg%5C..%5C..%5Csecret.txt",
        "/api/sync/spider1/download?path=C:secret.txt",
        "/api/sync/spider1/download?path=escape-link",
        "/api/sync/spider1/download?path=main.py&path=run.sh",
        "/api/sync/spider1/download?path=%zz",
        "/api/sync/spider1/download",
        "/api/sync/%2e%2e/download?path=secret.txt",
        "/api/sync/%2E%2E/scan",
        "/api/sync/../download?path=secret.txt",
        "/api/sync/spider1/../../download?path=secret.txt",
        "/api/sync/spider1%2f..%2f/download?path=secret.txt",
        "/api/sync/bad%20id/scan",
        "/api/sync/spider1/scan?path=../",
        "/api/sync/spider1/scan?path=%2e%2e",
        "/api/sync/spider1/scan?path=/tmp");
    for (String uri : attempts) {
      HttpProbe.Reply r = http.get(uri);
      assertEquals(400, r.status(), uri + " -> " + r.text());
      assertEquals("application/json", r.header("Content-Type"), uri + " -> " + r.text() + " " + r.headers());
      assertNotNull(r.json().getString("error"), uri);
      assertFalse(r.text().contains(SECRET), uri);
    }
  }

  @Test
  void unknownThingsAre404() throws Exception {
    start(c -> c);
    List<String> missing = List.of(
        "/api/sync/nope/scan",
        "/api/sync/nope/download?path=main.py",
        "/api/sync/spider1/download?path=nope.txt",
        "/api/sync/spider1/download?path=.git/HEAD",
        "/api/sync/spider1/download?path=pkg",
        "/api/sync/spider1/scan?path=nope",
        "/api/sync/linked-spider/scan",
        "/api/nothing-here");
    for (String uri : missing) {
      HttpProbe.Reply r = http.get(uri);
      assertEquals(404, r.status(), uri + " -> " + r.text());
      assertNotNull(r.json().getString("error"), uri);
    }
  }

  @Test
  void fleetRoutesAnswer404WithoutClusterModeAndTheListStaysAsItWas() throws Exception {
    start(c -> c);
    for (String uri : List.of("/api/spiders/spider1/nodes", "/api/fleet")) {
      HttpProbe.Reply r = http.get(uri);
      assertEquals(404, r.status(), uri + " -> " + r.text());
      assertTrue(r.json().getString("error").startsWith("cluster mode is off"), r.text());
    }
    assertEquals(Set.of("spiders"), http.get("/api/spiders").json().fieldNames());
  }

  @Test
  void apiNeedsTheTokenHealthDoesNot() throws Exception {
    start(c -> c.withAuth(new NodeConfig.Auth("s3cret")));
    assertEquals(200, http.get("/health").status());
    HttpProbe.Reply none = http.get("/api/spiders");
    assertEquals(401, none.status());
    assertNotNull(none.json().getString("error"));
    assertEquals(401, http.get("/api/sync/spider1/scan", Map.of("Authorization", "Bearer wrong")).status());
    assertEquals(401, http.get("/api/sync/spider1/download?path=main.py").status());
    HttpProbe.Reply ok = http.get("/api/sync/spider1/download?path=main.py", Map.of("Authorization", "Bearer s3cret"));
    assertEquals(200, ok.status());
    assertEquals("print('hello')\n", ok.text());
    // hot reload: the token is read per request
    cluster.masterConfig.set(cluster.masterConfig.get().withAuth(new NodeConfig.Auth("")));
    assertEquals(200, http.get("/api/spiders").status());
  }

  private static JsonObject find(JsonArray entries, String path) {
    for (int i = 0; i < entries.size(); i++) {
      if (entries.getJsonObject(i).getString("path").equals(path)) {
        return entries.getJsonObject(i);
      }
    }
    throw new AssertionError("no entry " + path);
  }
}
