package dev.syncnode.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.syncnode.config.ConfigHolder;
import dev.syncnode.config.NodeConfig;
import dev.syncnode.master.content.ContentVerticle;
import dev.syncnode.master.scan.ScanCacheVerticle;
import dev.syncnode.master.scan.ScannerVerticle;
import dev.syncnode.metrics.SyncMetrics;
import dev.syncnode.node.HttpEndpointVerticle;
import dev.syncnode.transport.http.server.HttpThrottle.Endpoint;
import dev.syncnode.transport.http.server.HttpThrottle;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clients that go away: a waiting request whose connection closes leaves the queue, and a running
 * download whose client disconnects frees its slot, once. Raw sockets play the clients; the test
 * waits on the throttle's change notifications, never on a clock.
 */
class HttpThrottleDisconnectTest {
  /** Large enough that a client which never reads keeps the response from ending (sparse file). */
  static final long HUGE = 256L << 20;

  @TempDir Path tmp;
  Vertx vertx;
  HttpEndpointVerticle endpoint;
  HttpThrottle throttle;

  @BeforeEach
  void setUp() throws Exception {
    Path workspace = Files.createDirectories(tmp.resolve("master"));
    Trees.write(workspace.resolve("s1"), "small.txt", "small\n");
    Trees.sparse(workspace, "s1/huge.bin", HUGE);
    NodeConfig c = Cluster.httpLimits(NodeConfig.defaults(), 1, 1, 2)
        .withNode(new NodeConfig.Node(NodeConfig.Role.MASTER, "m", workspace.toString()))
        .withHttp(new NodeConfig.Endpoint("127.0.0.1", 0));
    ConfigHolder config = new ConfigHolder(c);
    SyncMetrics metrics = SyncMetrics.standalone();
    vertx = Vertx.vertx();
    endpoint = new HttpEndpointVerticle(config, metrics);
    Cluster.await(vertx.deployVerticle(new ScannerVerticle(config, metrics))
        .compose(id -> vertx.deployVerticle(new ScanCacheVerticle(config, metrics)))
        .compose(id -> vertx.deployVerticle(new ContentVerticle(config)))
        .compose(id -> vertx.deployVerticle(endpoint)));
    throttle = endpoint.throttle();
  }

  @AfterEach
  void tearDown() throws Exception {
    Cluster.await(vertx.close());
  }

  private Socket rawDownload(String path) throws Exception {
    Socket s = new Socket(InetAddress.getLoopbackAddress(), endpoint.actualPort());
    OutputStream out = s.getOutputStream();
    out.write(("GET /api/sync/s1/download?path=" + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII));
    out.flush();
    return s;
  }

  /** Completes when the condition holds, checked now and after every throttle change. */
  private void until(String what, BooleanSupplier condition) throws Exception {
    CompletableFuture<Void> reached = new CompletableFuture<>();
    throttle.onChange(() -> {
      if (condition.getAsBoolean()) {
        reached.complete(null);
      }
    });
    if (condition.getAsBoolean()) {
      reached.complete(null);
    }
    try {
      reached.get(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("never reached: " + what + " (in flight " + throttle.inFlight(Endpoint.DOWNLOAD)
          + ", queued " + throttle.queued(Endpoint.DOWNLOAD) + ")");
    } finally {
      throttle.onChange(null);
    }
  }

  @Test
  void goneClientsLeaveTheQueueAndFreeTheirSlotOnce() throws Exception {
    try (HttpProbe probe = new HttpProbe(endpoint.actualPort())) {
      Socket holder = rawDownload("huge.bin"); // never reads: its response cannot end
      until("one download running", () -> throttle.inFlight(Endpoint.DOWNLOAD) == 1);
      Socket waiting1 = rawDownload("small.txt");
      Socket waiting2 = rawDownload("small.txt");
      until("two waiting", () -> throttle.queued(Endpoint.DOWNLOAD) == 2);

      HttpProbe.Reply full = probe.get("/api/sync/s1/download?path=small.txt");
      assertEquals(503, full.status(), "queue of 2 is full");
      assertNotNull(full.header("Retry-After"));

      waiting1.close();
      waiting2.close();
      until("the waiting clients left the queue", () -> throttle.queued(Endpoint.DOWNLOAD) == 0);
      assertEquals(1, throttle.inFlight(Endpoint.DOWNLOAD));

      Future<HttpProbe.Reply> next = probe.getAsync("/api/sync/s1/download?path=small.txt", java.util.Map.of());
      until("a new request waits", () -> throttle.queued(Endpoint.DOWNLOAD) == 1);
      holder.close(); // the running download's client goes away mid-body
      HttpProbe.Reply served = Cluster.await(next);
      assertEquals(200, served.status());
      assertEquals("small\n", served.text());
      until("every slot free", () -> throttle.inFlight(Endpoint.DOWNLOAD) == 0
          && throttle.queued(Endpoint.DOWNLOAD) == 0);
      assertEquals(1, throttle.maxInFlight(Endpoint.DOWNLOAD));

      // freed exactly once: with limit 1, one request runs and a second one waits again
      Socket again = rawDownload("huge.bin");
      until("running again", () -> throttle.inFlight(Endpoint.DOWNLOAD) == 1);
      Socket queuedAgain = rawDownload("small.txt");
      until("waiting again", () -> throttle.queued(Endpoint.DOWNLOAD) == 1);
      assertEquals(1, throttle.inFlight(Endpoint.DOWNLOAD));
      again.close();
      queuedAgain.close();
    }
  }
}
