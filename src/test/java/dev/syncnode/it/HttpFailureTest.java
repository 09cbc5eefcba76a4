package dev.syncnode.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.syncnode.transport.TransportException.Kind;
import dev.syncnode.transport.TransportException;
import dev.syncnode.transport.http.client.HttpSyncSource;
import dev.syncnode.worker.SyncReport;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpServerRequest;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worker's HTTP client against misbehaving upstreams (a fake server on loopback) and the real
 * master: error pages, cut bodies, back-pressure answers, cut downloads that resume.
 */
class HttpFailureTest {
  static final String NGINX_502 = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
      + "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.24.0</center>\r\n</body>\r\n</html>\r\n"
      + "<!-- a padding comment to make the page longer than the snippet ".repeat(5) + "-->";
  static final int BIG = 1 << 20;

  @TempDir Path tmp;
  Workspaces dirs;
  byte[] big;
  Vertx clientVertx;
  FakeUpstream fake;
  Cluster cluster;

  @BeforeEach
  void setUp() throws Exception {
    dirs = Workspaces.withSampleSpider(tmp);
    big = Trees.random(42, BIG);
    Trees.write(dirs.spider(), "data/big.bin", big);
    clientVertx = Vertx.vertx();
  }

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : Arrays.asList(fake, cluster)) {
      if (c != null) {
        c.close();
      }
    }
    Cluster.await(clientVertx.close());
  }

  private void fake(Handler<HttpServerRequest> handler) throws Exception {
    fake = new FakeUpstream(handler);
  }

  private HttpSyncSource client(String url) {
    return new HttpSyncSource(clientVertx, url, "", Duration.ofSeconds(30), Duration.ofSeconds(30), null,
        dev.syncnode.config.NodeConfig.Sync.DEFAULT_MAX_MANIFEST_BYTES);
  }

  private static TransportException failure(Supplier<Future<?>> call) {
    Exception e = assertThrows(Exception.class, () -> Cluster.await(call.get()));
    return assertInstanceOf(TransportException.class, e);
  }

  /** Master and worker with an HTTP-only worker that talks to the fake upstream. */
  private void clusterBehindFake() throws Exception {
    cluster = dirs.start(c -> Cluster.fastRetries(Cluster.httpOnly(c)));
    cluster.pointWorkerAt(cluster.masterGrpcAddress(), fake.url());
  }

  private int masterPort() {
    return cluster.master.httpPort();
  }

  @Test
  void htmlErrorPageFailsWithStatusTypeAndBodyStart() throws Exception {
    fake(req -> req.response().setStatusCode(502).setStatusMessage("Bad Gateway")
        .putHeader("Content-Type", "text/html").end(NGINX_502));
    TransportException e = failure(() -> client(fake.url()).scan("spider1", ""));
    assertEquals(Kind.BUSY, e.kind());
    String msg = e.getMessage();
    assertTrue(msg.contains("HTTP 502"), msg);
    assertTrue(msg.contains("text/html"), msg);
    assertTrue(msg.contains("<title>502 Bad Gateway</title>"), msg);
    assertTrue(msg.length() < 600, "only the start of the body: " + msg);

    // the same through a whole sync: retried, then failed with that message
    clusterBehindFake();
    long before = fake.count("/scan");
    ReplyException sync = assertThrows(ReplyException.class, () -> cluster.sync("spider1", null));
    assertTrue(sync.getMessage().contains("HTTP 502") && sync.getMessage().contains("text/html")
        && sync.getMessage().contains("502 Bad Gateway"), sync.getMessage());
    assertEquals(3, fake.count("/scan") - before, "maxAttempts of the fast retry policy");
    assertTrue(Files.notExists(dirs.dest().resolve("main.py")));
  }

  @Test
  void successStatusWithTheWrongBodyIsAProtocolError() throws Exception {
    AtomicInteger n = new AtomicInteger();
    fake(req -> {
      switch (n.getAndIncrement()) {
        case 0 -> req.response().putHeader("Content-Type", "text/html").end("<html><body>Login</body></html>");
        case 1 -> req.response().putHeader("Content-Type", "application/json")
            .end("{\"spiderId\":\"spider1\",\"path\":\"\",\"digest\":\"d\",\"total\":3,\"entries\":[{\"path\":\"a\",\"ty");
        case 2 -> req.response().putHeader("Content-Type", "application/json")
            .end("{\"spiderId\":\"spider1\",\"path\":\"\",\"digest\":\"d\",\"total\":5,\"entries\":[]}");
        default -> req.response().putHeader("Content-Type", "application/json").end("[1,2,3]");
      }
    });
    HttpSyncSource c = client(fake.url());
    TransportException html = failure(() -> c.scan("spider1", ""));
    assertEquals(Kind.PROTOCOL, html.kind());
    assertTrue(html.getMessage().contains("HTTP 200") && html.getMessage().contains("text/html")
        && html.getMessage().contains("Login"), html.getMessage());
    TransportException cut = failure(() -> c.scan("spider1", ""));
    assertEquals(Kind.PROTOCOL, cut.kind());
    assertTrue(cut.getMessage().contains("not a complete JSON") && cut.getMessage().contains("\"ty"), cut.getMessage());
    TransportException count = failure(() -> c.scan("spider1", ""));
    assertTrue(count.getMessage().contains("announced 5"), count.getMessage());
    TransportException array = failure(() -> c.scan("spider1", ""));
    assertEquals(Kind.PROTOCOL, array.kind());
  }

  @Test
  void aManifestCutMidStreamIsNeverTakenAsComplete() throws Exception {
    fake(req -> req.response().setChunked(true).putHeader("Content-Type", "application/json")
        .write("{\"spiderId\":\"spider1\",\"path\":\"\",\"digest\":\"d\",\"total\":1,\"entries\":[")
        .onComplete(w -> req.connection().close()));
    TransportException e = failure(() -> client(fake.url()).scan("spider1", ""));
    assertEquals(Kind.UNAVAILABLE, e.kind());
    assertTrue(e.getMessage().contains("connection lost"), e.getMessage());
  }

  @Test
  void statusCodesMapToKinds() throws Exception {
    List<Object[]> cases = List.of(
        new Object[] {503, "2", Kind.BUSY, 2000L},
        new Object[] {429, "0", Kind.BUSY, 0L},
        new Object[] {408, null, Kind.BUSY, -1L},
        new Object[] {500, null, Kind.BUSY, -1L},
        new Object[] {404, null, Kind.NOT_FOUND, -1L},
        new Object[] {400, null, Kind.INVALID, -1L},
        new Object[] {401, null, Kind.UNAUTHENTICATED, -1L});
    AtomicInteger i = new AtomicInteger();
    fake(req -> {
      Object[] c = cases.get(i.getAndIncrement());
      if (c[1] != null) {
        req.response().putHeader("Retry-After", (String) c[1]);
      }
      req.response().setStatusCode((Integer) c[0]).putHeader("Content-Type", "application/json")
          .end("{\"error\":\"nope\"}");
    });
    HttpSyncSource c = client(fake.url());
    for (Object[] expected : cases) {
      TransportException e = failure(() -> c.scan("spider1", ""));
      assertEquals(expected[2], e.kind(), e.getMessage());
      assertEquals((long) expected[3], e.retryAfterMs(), e.getMessage());
      assertTrue(e.getMessage().contains("HTTP " + expected[0]) && e.getMessage().contains("nope"), e.getMessage());
    }
  }

  @Test
  void refusedConnectionIsUnavailable() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    TransportException e = failure(() -> client("http://127.0.0.1:" + closed).scan("spider1", ""));
    assertEquals(Kind.UNAVAILABLE, e.kind());
    assertTrue(e.kind().fallback && e.kind().retryable);
  }

  @Test
  void busyThenSuccessIsRetriedWithBackoff() throws Exception {
    AtomicInteger scans = new AtomicInteger();
    fake(req -> {
      if (req.path().endsWith("/scan") && scans.getAndIncrement() == 0) {
        req.response().setStatusCode(503).putHeader("Retry-After", "0").putHeader("Content-Type", "application/json")
            .end("{\"error\":\"too many scan requests\"}");
      } else {
        fake.relay(req, masterPort(), -1);
      }
    });
    clusterBehindFake();
    SyncReport report = cluster.sync("spider1", null);
    assertEquals("http", report.transport());
    assertEquals(2, fake.count("/scan"));
    assertEquals(Trees.describe(dirs.spider(), Trees::notIgnored),
        Trees.describe(dirs.dest()));
  }

  @Test
  void aDownloadCutInTheMiddleResumesWithARangeAndVerifies() throws Exception {
    AtomicInteger bigDownloads = new AtomicInteger();
    fake(req -> {
      boolean isBig = req.uri().contains("/download") && req.uri().contains("big.bin");
      fake.relay(req, masterPort(), isBig && bigDownloads.getAndIncrement() == 0 ? BIG / 2 : -1);
    });
    clusterBehindFake();
    SyncReport report = cluster.sync("spider1", null);
    assertEquals("http", report.transport());
    assertEquals(Trees.describe(dirs.spider(), Trees::notIgnored),
        Trees.describe(dirs.dest()));
    List<FakeUpstream.Seen> seen = fake.seen.stream().filter(s -> s.uri().contains("big.bin")).toList();
    assertEquals(2, seen.size(), seen.toString());
    assertNull(seen.get(0).range());
    // resumed from the bytes that reached the disk: at most the half the fake let through (bytes
    // still queued in a paused response when the connection dies are lost, and fetched again)
    String range = seen.get(1).range();
    assertTrue(range != null && range.matches("bytes=\\d+-"), range);
    long offset = Long.parseLong(range.substring(6, range.length() - 1));
    assertTrue(offset > 0 && offset <= BIG / 2, range);
    assertArrayEquals(big, Files.readAllBytes(dirs.dest().resolve("data/big.bin")));
    assertTrue(Files.notExists(dirs.dest().resolve(".syncnode/tmp")) || Files.list(
        dirs.dest().resolve(".syncnode/tmp")).findAny().isEmpty(), "no temp file left");
  }

  @Test
  void aServerThatIgnoresRangeStillGivesTheRightFile() throws Exception {
    AtomicInteger bigDownloads = new AtomicInteger();
    fake(req -> {
      boolean isBig = req.uri().contains("/download") && req.uri().contains("big.bin");
      if (isBig && bigDownloads.getAndIncrement() > 0) {
        req.headers().remove("Range"); // a proxy that drops Range: the master answers 200 with all bytes
      }
      fake.relay(req, masterPort(), isBig && bigDownloads.get() == 1 ? BIG / 3 : -1);
    });
    clusterBehindFake();
    cluster.sync("spider1", null);
    assertEquals(2, fake.count("big.bin"));
    assertArrayEquals(big, Files.readAllBytes(dirs.dest().resolve("data/big.bin")));
  }

  @Test
  void directRangedDownloadAndSizeEnforcement() throws Exception {
    cluster = dirs.start();
    HttpSyncSource c = client(cluster.masterHttpUrl());
    Path out = tmp.resolve("part");
    Files.write(out, Arrays.copyOf(big, 1000));
    AsyncFile file = Cluster.await(clientVertx.fileSystem().open(out.toString(), new OpenOptions().setWrite(true)));
    file.setWritePos(1000);
    long n = Cluster.await(c.download("spider1", "data/big.bin", 1000, BIG, file));
    Cluster.await(file.close());
    assertEquals(BIG - 1000, n);
    assertArrayEquals(big, Files.readAllBytes(out));

    AsyncFile sink = Cluster.await(clientVertx.fileSystem().open(tmp.resolve("short").toString(),
        new OpenOptions().setWrite(true).setCreate(true)));
    TransportException tooBig = failure(() -> c.download("spider1", "data/big.bin", 0, BIG - 10, sink));
    assertEquals(Kind.INTEGRITY, tooBig.kind(), tooBig.getMessage());
    TransportException moved = failure(() -> c.download("spider1", "data/big.bin", 10, BIG + 5, sink));
    assertEquals(Kind.INTEGRITY, moved.kind(), moved.getMessage());
    TransportException missing = failure(() -> c.download("spider1", "nope.bin", 0, 5, sink));
    assertEquals(Kind.NOT_FOUND, missing.kind());
    TransportException bad = failure(() -> c.download("spider1", "../secret", 0, 5, sink));
    assertEquals(Kind.INVALID, bad.kind());
    Cluster.await(sink.close());
  }

  @Test
  void extraBytesFromAChunkedAnswerAreAnIntegrityFailure() throws Exception {
    fake(req -> req.response().setChunked(true).putHeader("Content-Type", "application/octet-stream")
        .end("0123456789ABCDEF"));
    AsyncFile sink = Cluster.await(clientVertx.fileSystem().open(tmp.resolve("x").toString(),
        new OpenOptions().setWrite(true).setCreate(true)));
    TransportException e = failure(() -> client(fake.url()).download("s", "f", 0, 10, sink));
    assertEquals(Kind.INTEGRITY, e.kind(), e.getMessage());
    Cluster.await(sink.close());
  }
}
