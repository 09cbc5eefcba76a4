package dev.syncnode.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.syncnode.it.Cluster;
import dev.syncnode.it.Trees;
import dev.syncnode.proto.FileDownloadRequest;
import dev.syncnode.proto.FileScanChunk;
import dev.syncnode.proto.FileScanRequest;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.grpc.common.GrpcStatus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile requests against a master, over gRPC and over HTTP: traversal in every encoding, absolute
 * and drive paths, NUL and control characters, over-long input, bad spider ids, ignored and reserved
 * paths, and symlinks on the master that point out of the spider. Every case must get a clear error
 * (gRPC status / HTTP 4xx with a JSON body), and no answer may ever carry a byte of a file outside
 * the spider (every such file holds the marker {@code TOP-SECRET}).
 */
class HostileRequestTest {
  static final String SECRET = "TOP-SECRET";
  static final Set<GrpcStatus> IA = Set.of(GrpcStatus.INVALID_ARGUMENT);
  static final Set<GrpcStatus> NF = Set.of(GrpcStatus.NOT_FOUND);
  static final Set<GrpcStatus> IA_NF = Set.of(GrpcStatus.INVALID_ARGUMENT, GrpcStatus.NOT_FOUND);

  @TempDir static Path tmp;
  static Path outside;
  static Nodes.Master master;
  static Vertx client;
  static GrpcProbe grpc;
  static HttpProbe http;

  enum Op { SCAN, DOWNLOAD }

  /** One hostile request; {@code offset} only for gRPC downloads, {@code httpToo} false for gRPC-only cases. */
  record Case(String name, Op op, String spider, String path, long offset, Set<GrpcStatus> grpc, boolean httpToo) {
    @Override
    public String toString() {
      return name;
    }
  }

  @BeforeAll
  static void start() throws Exception {
    outside = Files.createDirectories(tmp.resolve("outside"));
    Files.writeString(outside.resolve("secret.txt"), SECRET + "-OUTSIDE\n");
    Path ws = Files.createDirectories(tmp.resolve("ws"));
    Files.writeString(ws.resolve("toplevel.txt"), SECRET + "-WORKSPACE\n");
    Trees.write(ws.resolve("spider2"), "secret2.txt", SECRET + "-SIBLING\n");
    Path s1 = ws.resolve("spider1");
    Trees.write(s1, "ok.txt", "hello\n");
    Trees.write(s1, "sub/inner.txt", "inner\n");
    Trees.write(s1, ".git/config", SECRET + "-GIT\n");
    Files.createSymbolicLink(s1.resolve("evil-link"), outside.resolve("secret.txt"));
    Files.createSymbolicLink(s1.resolve("evil-rel"), Path.of("../../outside/secret.txt"));
    Files.createSymbolicLink(s1.resolve("evil-dir"), outside);
    Files.createSymbolicLink(s1.resolve("sibling"), Path.of("../spider2/secret2.txt"));
    Files.createSymbolicLink(s1.resolve("inside-link"), Path.of("ok.txt"));
    Files.createSymbolicLink(ws.resolve("evil-spider"), outside);
    master = new Nodes.Master(ws, c -> c);
    client = Vertx.vertx();
    grpc = new GrpcProbe(client, master.node.grpcPort());
    http = new HttpProbe(client, master.httpPort());
  }

  @AfterAll
  static void stop() throws Exception {
    grpc.close();
    http.close();
    Cluster.await(client.close());
    master.close();
  }

  static Case d(String name, String path, Set<GrpcStatus> expected) {
    return new Case(name, Op.DOWNLOAD, "spider1", path, 0, expected, true);
  }

  static Case s(String name, String spider, String path, Set<GrpcStatus> expected) {
    return new Case(name, Op.SCAN, spider, path, 0, expected, true);
  }

  static List<Case> cases() {
    String secretAbs = outside.resolve("secret.txt").toString();
    List<Case> c = new ArrayList<>(List.of(
        d("dotdot to a sibling spider", "../spider2/secret2.txt", IA),
        d("dotdot alone", "..", IA),
        d("dotdot below a sub-directory", "sub/../../spider2/secret2.txt", IA),
        d("dot then dotdot", "./../spider2/secret2.txt", IA),
        d("dotdot to the workspace", "../toplevel.txt", IA),
        d("percent-encoded dots (literal over gRPC)", "%2e%2e/toplevel.txt", NF),
        d("double-encoded dots", "%252e%252e/toplevel.txt", NF),
        d("backslash traversal", "..\\spider2\\secret2.txt", IA),
        d("mixed separators", "sub\\..\\..\\toplevel.txt", IA),
        d("absolute system path", "/etc/passwd", IA),
        d("absolute path of a file outside", secretAbs, IA),
        d("drive path with backslashes", "C:\\Windows\\win.ini", IA),
        d("drive path with a slash", "C:/secret", IA),
        d("NUL then traversal", "ok.txt\0../../toplevel.txt", IA),
        d("trailing NUL", "ok.txt\0", IA),
        d("newline", "ok.txt\n", IA),
        d("over-long path", "a/".repeat(3000) + "x", IA),
        d("over-long traversal", "../".repeat(2000), IA),
        d("symlink to an absolute file outside", "evil-link", IA),
        d("symlink with a relative escape", "evil-rel", IA),
        d("through a symlinked directory outside", "evil-dir/secret.txt", IA),
        d("symlink into a sibling spider", "sibling", IA),
        d("ignored .git file", ".git/config", NF),
        d("reserved worker area", ".syncnode/tmp/x", NF),
        d("a directory as a file", "sub", NF),
        d("fullwidth dots", "\uFF0E\uFF0E/toplevel.txt", NF),
        d("tilde", "~/.ssh/id_rsa", NF),
        d("four dots", "....", NF),
        d("empty path", "", IA),
        new Case("spider id ..", Op.DOWNLOAD, "..", "toplevel.txt", 0, IA, true),
        new Case("spider id .", Op.DOWNLOAD, ".", "spider2/secret2.txt", 0, IA, true),
        new Case("spider id with a slash", Op.DOWNLOAD, "spider1/../spider2", "secret2.txt", 0, IA, true),
        new Case("symlinked spider root", Op.DOWNLOAD, "evil-spider", "secret.txt", 0, NF, true),
        new Case("empty spider id", Op.DOWNLOAD, "", "ok.txt", 0, IA, true),
        new Case("spider id with NUL", Op.DOWNLOAD, "spider1\0", "ok.txt", 0, IA, true),
        new Case("over-long spider id", Op.DOWNLOAD, "s".repeat(300), "ok.txt", 0, IA, true),
        new Case("absolute spider id", Op.DOWNLOAD, "/tmp", "x", 0, IA, true),
        new Case("negative offset", Op.DOWNLOAD, "spider1", "ok.txt", -1, IA, false),
        new Case("offset beyond the end", Op.DOWNLOAD, "spider1", "ok.txt", 1L << 40, IA, false),
        s("scan of ..", "spider1", "..", IA),
        s("scan of a sibling spider", "spider1", "../spider2", IA),
        s("scan through a symlinked directory", "spider1", "evil-dir", IA),
        s("scan of spider ..", "..", "", IA),
        s("scan of a symlinked spider root", "evil-spider", "", NF),
        s("scan of an absolute path", "spider1", "/etc", IA),
        s("scan with NUL", "spider1", "sub\0", IA),
        s("scan with an over-long path", "spider1", "b/".repeat(3000), IA)));
    return c;
  }

  static Stream<Arguments> grpcCases() {
    return cases().stream().map(Arguments::of);
  }

  static Stream<Arguments> httpCases() {
    return cases().stream().filter(Case::httpToo).map(Arguments::of);
  }

  @ParameterizedTest(name = "gRPC: {0}")
  @MethodSource("grpcCases")
  void grpc(Case c) throws Exception {
    GrpcProbe.Result r = c.op == Op.SCAN
        ? grpc.scan(FileScanRequest.newBuilder().setSpiderId(c.spider).setPath(c.path).build(), null)
        : grpc.download(FileDownloadRequest.newBuilder().setSpiderId(c.spider).setPath(c.path).setOffset(c.offset)
            .build(), null);
    assertTrue(c.grpc.contains(r.status()), c + ": " + r);
    assertFalse(r.message().isBlank(), "the status carries a reason: " + r);
    assertEquals(0, r.data().length, "no data for a refused request");
    assertNoSecret(r.message());
  }

  @ParameterizedTest(name = "HTTP: {0}")
  @MethodSource("httpCases")
  void http(Case c) throws Exception {
    String uri = "/api/sync/" + encode(c.spider) + (c.op == Op.SCAN ? "/scan" : "/download") + "?path=" + encode(c.path);
    assertHttpRefused(uri);
  }

  static Stream<Arguments> rawHttpCases() {
    return Stream.of(
        "/api/sync/spider1/download?path=%2e%2e%2fspider2%2fsecret2.txt",
        "/api/sync/spider1/download?path=..%2F..%2Ftoplevel.txt",
        "/api/sync/spider1/download?path=..%5c..%5ctoplevel.txt",
        "/api/sync/spider1/download?path=%c0%ae%c0%ae/toplevel.txt",
        "/api/sync/spider1/download?path=ok.txt%00.png",
        "/api/sync/spider1/download?path=..%00/toplevel.txt",
        "/api/sync/%2e%2e/download?path=toplevel.txt",
        "/api/sync/..%2fspider2/download?path=secret2.txt",
        "/api/sync/spider1/download?path=%252e%252e/toplevel.txt",
        "/api/sync/spider1/download?path=/etc/passwd",
        "/api/sync/spider1/download?path=evil-dir/secret.txt",
        "/api/sync/spider1/download?path=evil-dir%2Fsecret.txt",
        "/api/sync/spider1/download?path=sub&path=../../toplevel.txt",
        "/api/sync/spider1/download?path=%",
        "/api/sync/spider1/download?path=%zz",
        "/api/sync/spider1/download",
        "/api/sync/spider1/scan?path=%2e%2e",
        "/api/sync/spider1/scan?path=evil-dir",
        "/api/sync/%00/scan",
        "/api/sync/evil-spider/scan",
        "/api/sync/spider1/download?path=%ef%bc%8e%ef%bc%8e/toplevel.txt",
        "/api/sync/spider1/download?path=" + "a%2f".repeat(1200) + "x").map(Arguments::of);
  }

  @ParameterizedTest(name = "HTTP raw: {0}")
  @MethodSource("rawHttpCases")
  void httpRaw(String uri) throws Exception {
    assertHttpRefused(uri);
  }

  private static void assertHttpRefused(String uri) throws Exception {
    HttpProbe.Result r = http.get(uri);
    String shown = uri.length() > 120 ? uri.substring(0, 120) + "..." : uri;
    assertTrue(r.status() >= 400 && r.status() < 500, shown + " -> " + r);
    assertNoSecret(r.text());
    if (r.status() == 400 || r.status() == 404) {
      assertTrue(r.headers().get("Content-Type").startsWith("application/json"), shown + " -> " + r);
      assertTrue(new JsonObject(r.text()).getString("error", "").length() > 0, shown + " -> " + r);
    }
  }

  /** A legitimate scan never lists what the symlinks outside point at, nor anything ignored. */
  @Test
  void scanListsNothingOutsideTheSpider() throws Exception {
    GrpcProbe.Result r = grpc.scan(FileScanRequest.newBuilder().setSpiderId("spider1").build(), null);
    assertTrue(r.ok(), r.toString());
    List<String> paths = new ArrayList<>();
    FileScanChunk chunk = FileScanChunk.parseFrom(r.data());
    chunk.getEntriesList().forEach(e -> paths.add(e.getPath()));
    assertEquals(List.of("inside-link", "ok.txt", "sub", "sub/inner.txt"), paths.stream().sorted().toList());
    GrpcProbe.Result link = grpc.download(FileDownloadRequest.newBuilder().setSpiderId("spider1")
        .setPath("inside-link").build(), null);
    assertEquals("hello\n", new String(link.data(), StandardCharsets.UTF_8), "a link inside the spider is served");
  }

  private static void assertNoSecret(String s) {
    assertFalse(s != null && s.contains(SECRET), "leaked: " + s);
  }

  static String encode(String s) {
    StringBuilder b = new StringBuilder();
    for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (x & 0xff);
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_'
          || c == '.' || c == '~') {
        b.append(c);
      } else {
        b.append('%').append(HexFormat.of().withUpperCase().toHexDigits(x));
      }
    }
    return b.toString();
  }
}
