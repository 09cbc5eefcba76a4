package dev.syncnode.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.syncnode.config.NodeConfig;
import dev.syncnode.it.Trees;
import dev.syncnode.worker.SyncReport;
import io.vertx.core.Vertx;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gRPC port (cleartext HTTP/2, prior knowledge) before a client has finished its HTTP/2 preface:
 * Vert.x creates no HTTP connection until then, so the connection guard counts and times such
 * connections from the moment they are accepted ({@link AcceptGate}). Trickles are paced by timers;
 * every wait is on an event (a socket closing, a sync answering).
 */
class PrefaceDeadlineTest {
  private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final String ATTACKER = "127.0.0.7";
  private static final int PER_CLIENT = 3;

  @TempDir static Path tmp;
  static Nodes.Master master;
  static Vertx timers;
  static ExecutorService readers;

  @BeforeAll
  static void start() throws Exception {
    Path ws = Files.createDirectories(tmp.resolve("ws"));
    Trees.write(ws.resolve("spider1"), "a/ok.txt", "ok\n");
    // the byte-level idle timeout stays long: only the header deadline can close a trickle in time
    master = new Nodes.Master(ws, c -> c.withGrpc(new NodeConfig.Endpoint("127.0.0.1", 0, Duration.ofSeconds(60))
        .withLimits(Duration.ofSeconds(1), 50, PER_CLIENT)));
    timers = Vertx.vertx();
    readers = Executors.newCachedThreadPool();
  }

  @AfterAll
  static void stop() throws Exception {
    readers.shutdownNow();
    timers.close().await(10, TimeUnit.SECONDS);
    master.close();
  }

  /** A raw connection sending the preface one byte every 150 ms, never its last byte. */
  private static final class Trickle implements AutoCloseable {
    final Socket socket = new Socket();
    final AtomicInteger sent = new AtomicInteger();
    final CompletableFuture<String> closed;
    final long timer;

    Trickle(int port) throws Exception {
      socket.bind(new InetSocketAddress(InetAddress.getByName(ATTACKER), 0));
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
      socket.setSoTimeout(15_000); // far below the 60 s idle timeout: only the guard closes in time
      OutputStream out = socket.getOutputStream();
      timer = timers.setPeriodic(1, 150, id -> {
        try {
          int i = sent.get();
          if (i < PREFACE.length - 1) {
            out.write(PREFACE[i]);
            out.flush();
            sent.incrementAndGet();
          }
        } catch (Exception gone) {
          timers.cancelTimer(id);
        }
      });
      closed = CompletableFuture.supplyAsync(this::readToClose, readers);
    }

    /** What the server sent before it closed or reset the connection; fails on a read timeout. */
    private String readToClose() {
      StringBuilder got = new StringBuilder();
      try {
        InputStream in = socket.getInputStream();
        for (int b; (b = in.read()) >= 0; ) {
          got.append((char) b);
        }
      } catch (java.net.SocketTimeoutException stillOpen) {
        throw new AssertionError("the connection was not closed", stillOpen);
      } catch (java.io.IOException reset) {
        // a reset closes too
      }
      return got.toString();
    }

    @Override
    public void close() throws Exception {
      timers.cancelTimer(timer);
      socket.close();
    }
  }

  @Test
  void unfinishedPrefacesAreCountedAndHitTheHeaderDeadlineWhileScansGoOn() throws Exception {
    int port = master.node.grpcPort();
    List<Trickle> held = new ArrayList<>();
    try {
      for (int i = 0; i < PER_CLIENT; i++) {
        held.add(new Trickle(port));
      }
      // beyond the per-client cap: closed as soon as accepted, while the first ones still trickle
      for (int i = 0; i < 2; i++) {
        try (Trickle extra = new Trickle(port)) {
          assertEquals("", extra.closed.get(20, TimeUnit.SECONDS), "closed unanswered");
          for (Trickle t : held) {
            assertTrue(!t.closed.isDone(), "the extra connection is closed before the counted ones time out");
          }
        }
      }
      // another client still scans (and syncs) over gRPC meanwhile
      try (Nodes.Worker worker = new Nodes.Worker(Nodes.worker(master.grpc(), ""))) {
        SyncReport r = worker.sync("spider1", tmp.resolve("dest"));
        assertEquals(1, r.files(), r.toString());
        assertEquals("ok\n", Files.readString(tmp.resolve("dest/a/ok.txt")));
      }
      // the counted ones are closed by the header deadline, before their preface could be complete
      for (Trickle t : held) {
        assertEquals("", t.closed.get(20, TimeUnit.SECONDS), "closed unanswered");
        assertTrue(t.sent.get() < PREFACE.length - 1, "closed before the trickle ran out: " + t.sent.get());
      }
    } finally {
      for (Trickle t : held) {
        t.close();
      }
    }
  }
}
