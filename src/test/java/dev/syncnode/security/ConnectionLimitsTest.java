package dev.syncnode.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.syncnode.config.ConfigHolder;
import dev.syncnode.config.NodeConfig;
import dev.syncnode.it.Trees;
import dev.syncnode.metrics.SyncMetrics;
import dev.syncnode.node.HttpEndpointVerticle;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientConnection;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpConnectOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Connection limits of both roles ({@link ConnectionGuard}): caps per client address, a deadline for
 * the first request's headers, HTTP/2 connections without a stream closed whatever PINGs arrive, and
 * the worker's HTTP port closing silent connections. Trickles are paced by timers; every wait is on
 * an event (a socket closing, a response arriving).
 */
class ConnectionLimitsTest {
  @TempDir static Path tmp;
  static Nodes.Master master;
  static Vertx client;

  @BeforeAll
  static void start() throws Exception {
    Path ws = Files.createDirectories(tmp.resolve("ws"));
    Trees.write(ws.resolve("spider1"), "ok.txt", "ok\n");
    master = new Nodes.Master(ws, c -> c
        // the byte-level idle timeouts stay long: only the guard can close these connections in time
        .withHttp(new NodeConfig.Endpoint("127.0.0.1", 0, Duration.ofSeconds(60))
            .withLimits(Duration.ofMillis(1500), 50, 2))
        .withGrpc(new NodeConfig.Endpoint("127.0.0.1", 0, Duration.ofMillis(700))
            .withLimits(Duration.ofMillis(400), 50, 50)));
    client = Vertx.vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    client.close().await(10, TimeUnit.SECONDS);
    master.close();
  }

  private static Socket open(String from, int port) throws Exception {
    Socket s = new Socket();
    s.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
    s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
    s.setSoTimeout(20_000);
    return s;
  }

  /** Reads until the server closes or resets; returns what it sent (a read timeout fails the test). */
  private static String readToClose(Socket s) throws Exception {
    InputStream in = s.getInputStream();
    java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    try {
      for (int n; (n = in.read(buf)) >= 0; ) {
        got.write(buf, 0, n);
      }
    } catch (java.net.SocketException reset) {
      // a reset closes too
    }
    return got.toString(StandardCharsets.ISO_8859_1);
  }

  private static String get(Socket s, String path) throws Exception {
    OutputStream out = s.getOutputStream();
    out.write(("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
    return readToClose(s);
  }

  @Test
  void extraConnectionsFromOneAddressAreClosedWhileOthersAreServed() throws Exception {
    int port = master.httpPort();
    try (Socket a = open("127.0.0.1", port); Socket b = open("127.0.0.1", port)) {
      // two connections in the middle of their headers: they count
      a.getOutputStream().write("GET /health HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
      b.getOutputStream().write("GET /health HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
      try (Socket c = open("127.0.0.1", port)) {
        c.getOutputStream().write("GET /health HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        assertEquals("", readToClose(c), "the third connection from one address is closed unanswered");
      }
      try (Socket other = open("127.0.0.2", port)) {
        assertTrue(get(other, "/health").startsWith("HTTP/1.1 200"), "another address is served");
      }
    }
  }

  @Test
  void headersTrickledByteByByteHitTheHeaderDeadline() throws Exception {
    try (Socket s = open("127.0.0.3", master.httpPort())) {
      byte[] request = "GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n"
          .getBytes(StandardCharsets.US_ASCII);
      OutputStream out = s.getOutputStream();
      int[] next = {0};
      // a byte every 50 ms keeps the byte-level idle timer (60 s) alive; the request is never complete
      long timer = client.setPeriodic(50, id -> {
        try {
          if (next[0] < request.length - 2) {
            out.write(request[next[0]++]);
            out.flush();
          }
        } catch (Exception closed) {
          client.cancelTimer(id);
        }
      });
      try {
        assertEquals("", readToClose(s), "closed without an answer");
      } finally {
        client.cancelTimer(timer);
      }
      assertTrue(next[0] < request.length - 2, "closed before the trickle ran out");
    }
  }

  /** A plain HTTP/2 client (prior knowledge, as gRPC clients speak). */
  private HttpClientAgent h2Client() {
    return client.httpClientBuilder()
        .with(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false))
        .build();
  }

  private HttpClientConnection connectToGrpcPort(HttpClientAgent http) throws Exception {
    return http.connect(new HttpConnectOptions().setHost("127.0.0.1").setPort(master.node.grpcPort()))
        .await(10, TimeUnit.SECONDS);
  }

  @Test
  void http2ConnectionThatOnlyPingsIsClosed() throws Exception {
    HttpClientAgent http = h2Client();
    try {
      HttpClientConnection conn = connectToGrpcPort(http);
      Promise<Void> closed = Promise.promise();
      conn.closeHandler(v -> closed.tryComplete());
      // one finished stream, then only PINGs (every 100 ms, well inside the 700 ms idle timeout)
      int status = conn.request(new RequestOptions().setMethod(HttpMethod.POST).setURI("/nope/Nope")
              .putHeader("content-type", "application/grpc"))
          .compose(req -> req.send(Buffer.buffer(new byte[5])))
          .map(resp -> resp.statusCode())
          .await(10, TimeUnit.SECONDS);
      assertEquals(200, status);
      long timer = client.setPeriodic(100, id -> conn.ping(Buffer.buffer("12345678")));
      try {
        closed.future().await(20, TimeUnit.SECONDS);
      } finally {
        client.cancelTimer(timer);
      }
    } finally {
      http.close().await(10, TimeUnit.SECONDS);
    }
  }

  /** The guard closes connections without a request in progress only: a long open stream is kept. */
  @Test
  void http2StreamInProgressKeepsItsConnection() throws Exception {
    HttpClientAgent http = h2Client();
    try {
      HttpClientConnection conn = connectToGrpcPort(http);
      Promise<Void> closed = Promise.promise();
      conn.closeHandler(v -> closed.tryComplete());
      var req = conn.request(new RequestOptions().setMethod(HttpMethod.POST)
          .setURI("/syncnode.v1.SyncService/StreamFileScan")
          .putHeader("content-type", "application/grpc")).await(10, TimeUnit.SECONDS);
      req.setChunked(true).write(Buffer.buffer(new byte[1])).await(10, TimeUnit.SECONDS); // request still open
      // stay open for more than both the header deadline (400 ms) and the idle time (700 ms); PINGs
      // keep the byte-level idle timeout away, which would close any silent connection
      long pings = client.setPeriodic(100, id -> conn.ping(Buffer.buffer("12345678")));
      Promise<Void> waited = Promise.promise();
      client.setTimer(2000, id -> waited.complete());
      try {
        waited.future().await(10, TimeUnit.SECONDS);
      } finally {
        client.cancelTimer(pings);
      }
      assertTrue(!closed.future().isComplete(), "a connection with a stream in progress stays open");
      int status = req.end(Buffer.buffer(new byte[4])).compose(v -> req.response()).map(r -> r.statusCode())
          .await(10, TimeUnit.SECONDS);
      assertEquals(200, status);
    } finally {
      http.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void workerHttpPortClosesSilentConnections() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      NodeConfig c = Nodes.worker("127.0.0.1:1", "")
          .withNode(new NodeConfig.Node(NodeConfig.Role.WORKER, "worker-1", Files.createDirectories(tmp.resolve("w"))
              .toString()))
          .withHttp(new NodeConfig.Endpoint("127.0.0.1", 0, Duration.ofMillis(600))
              .withLimits(Duration.ofMillis(300), 50, 50));
      HttpEndpointVerticle http = new HttpEndpointVerticle(new ConfigHolder(c), SyncMetrics.standalone());
      vertx.deployVerticle(http).await(10, TimeUnit.SECONDS);
      try (Socket silent = open("127.0.0.1", http.actualPort())) {
        assertEquals("", readToClose(silent), "a connection that never sends a request is closed");
      }
      try (Socket s = open("127.0.0.1", http.actualPort())) {
        assertTrue(get(s, "/nope").startsWith("HTTP/1.1 404"), "and a request is still answered");
      }
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }
}
