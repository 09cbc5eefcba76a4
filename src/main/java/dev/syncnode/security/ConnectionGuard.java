package dev.syncnode.security;

import dev.syncnode.config.NodeConfig;
import io.netty.channel.Channel;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.SocketAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds what clients can hold on one listening port, whatever bytes they trickle in:
 * <ul>
 *   <li>at most {@code maxConnections} open connections, {@code maxConnectionsPerClient} per remote
 *       address; a connection beyond either is closed as soon as it is accepted;
 *   <li>a new connection must send a complete request (all its headers) within {@code headerTimeout};
 *   <li>a connection without a request in progress (HTTP/1.x keep-alive, or HTTP/2 without an active
 *       stream) is closed after the port's {@code idleTimeout} ({@code headerTimeout} when that is 0),
 *       whatever PINGs or header bytes arrive meanwhile.
 * </ul>
 * Connections are counted and timed from the moment they are accepted when the node's Vert.x has the
 * {@link AcceptGate} (it shows them before Vert.x creates an {@code HttpConnection}, which on the gRPC
 * port waits for the client's whole HTTP/2 preface); otherwise from their {@code HttpConnection} on.
 * Vert.x's idle timeout only sees silence, so a byte every few seconds used to keep a connection
 * forever. Requests in progress are tracked by polling their responses ({@code ended()},
 * {@code closed()}): the router and the gRPC server own the responses' end handlers.
 *
 * <p>Not thread-safe by design: created in a verticle's {@code start()}, and every handler and the
 * sweep timer run on that verticle's event loop (one instance per port).
 */
public final class ConnectionGuard {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectionGuard.class);
  private static final long REFUSAL_LOG_INTERVAL_MS = 60_000;

  /** One open connection: who, whether it served a request yet, what it runs now, since when idle. */
  private static final class Conn {
    final String client;
    final List<HttpServerRequest> active = new ArrayList<>(1);
    boolean servedOne;
    long idleSinceMs;
    /** When the guard asked the connection to shut down gracefully; 0: not yet. */
    long closingSinceMs;

    Conn(String client, long now) {
      this.client = client;
      this.idleSinceMs = now;
    }
  }

  private final Vertx vertx;
  private final HttpServer server;
  private final String name;
  private final long headerTimeoutMs;
  private final long idleMs;
  private final int maxConnections;
  private final int maxPerClient;
  private final Map<HttpConnection, Conn> open = new HashMap<>();
  /** Accepted (seen by the {@link AcceptGate}) but without an {@code HttpConnection} yet. */
  private final Map<Channel, Conn> pending = new HashMap<>();
  /** The owning verticle's event-loop thread, where accepted channels are offered to {@link #admit}. */
  private final Thread loop = Thread.currentThread();
  private final List<Runnable> unlisten = new ArrayList<>(2);
  private int gatedPort;
  private final Map<String, Integer> perClient = new HashMap<>();
  private long refused;
  private long lastRefusalLogMs;
  private long timer = -1;

  private ConnectionGuard(Vertx vertx, HttpServer server, String name, NodeConfig.Endpoint ep) {
    this.vertx = vertx;
    this.server = server;
    this.name = name;
    this.headerTimeoutMs = Math.max(1, ep.headerTimeout().toMillis());
    Duration idle = ep.idleTimeout();
    this.idleMs = idle == null || idle.isZero() || idle.isNegative() ? headerTimeoutMs : idle.toMillis();
    this.maxConnections = Math.max(1, ep.maxConnections());
    this.maxPerClient = Math.max(1, ep.maxConnectionsPerClient());
  }

  /**
   * Guards {@code server} (called from the owning verticle's {@code start()}): installs the connection
   * handler and the request handler, which passes every request on to {@code handler}.
   */
  public static ConnectionGuard install(Vertx vertx, String name, NodeConfig.Endpoint ep, HttpServer server,
      Handler<HttpServerRequest> handler) {
    ConnectionGuard g = new ConnectionGuard(vertx, server, name, ep);
    server.connectionHandler(g::onConnection).requestHandler(req -> {
      g.onRequest(req);
      handler.handle(req);
    });
    long tick = Math.max(20, Math.min(1000, Math.min(g.headerTimeoutMs, g.idleMs) / 4));
    g.timer = vertx.setPeriodic(tick, id -> g.sweep());
    if (ep.port() > 0) {
      g.listening(ep.port()); // before the bind: no connection escapes the gate
    }
    return g;
  }

  /** Starts the server; the gate follows the bound port (it differs from the configured one only for port 0). */
  public Future<HttpServer> listen() {
    return server.listen().onSuccess(s -> listening(s.actualPort()));
  }

  private void listening(int port) {
    if (port > 0 && port != gatedPort) {
      gatedPort = port;
      unlisten.add(AcceptGate.listen(port, loop, this::admit));
    }
  }

  /** Stops the sweep and the gate, then closes the server and with it the connections. */
  public Future<Void> close() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
    unlisten.forEach(Runnable::run);
    unlisten.clear();
    return server.close();
  }

  /** Connections closed at once because a limit was reached, since start. */
  public long refused() {
    return refused;
  }

  /**
   * Closes a connection at once with a reset, dropping whatever it still has to send. Vert.x's own close (even a
   * close through the Netty pipeline, which Vert.x intercepts) waits until pending writes are flushed,
   * which a client that stopped reading never lets happen; so the socket is closed below the pipeline,
   * reached through Vert.x's connection base class (pinned version 5.0.7). Vert.x still sees the
   * channel go inactive and runs its close handlers.
   */
  public static void abort(HttpConnection conn) {
    Channel ch = channel(conn);
    if (ch != null) {
      abort(ch);
    } else {
      conn.close();
    }
  }

  private static void abort(Channel ch) {
    ch.config().setOption(io.netty.channel.ChannelOption.SO_LINGER, 0); // reset: drop unsent bytes
    ch.unsafe().close(ch.voidPromise());
  }

  /** The connection's Netty channel, through Vert.x's connection base class (5.0.7); null if not one. */
  private static Channel channel(HttpConnection conn) {
    return conn instanceof io.vertx.core.net.impl.ConnectionBase base ? base.channel() : null;
  }

  /** A connection just accepted ({@link AcceptGate}): counted and timed from now, or refused. */
  private boolean admit(Channel ch) {
    String client = ch.remoteAddress() instanceof InetSocketAddress a
        ? SocketAddress.inetSocketAddress(a).host() : "?";
    if (!room(client)) {
      return false;
    }
    Conn c = new Conn(client, System.currentTimeMillis());
    pending.put(ch, c);
    perClient.merge(client, 1, Integer::sum);
    ch.closeFuture().addListener(f -> {
      if (pending.remove(ch) != null) {
        release(c);
      }
    });
    return true;
  }

  private void onConnection(HttpConnection conn) {
    // garbage instead of a preface, TLS from a plaintext client, a reset: the client's problem, logged
    // at debug level so random bytes on a port cannot flood the log with stack traces
    conn.exceptionHandler(err -> {
      if (!FatalErrors.check(err)) {
        LOG.debug("connection from {} failed: {}", conn.remoteAddress(), err.toString());
      }
    });
    Channel ch = channel(conn);
    Conn admitted = ch == null ? null : pending.remove(ch); // counted at accept already
    if (admitted == null) {
      String client = conn.remoteAddress() == null ? "?" : String.valueOf(conn.remoteAddress().host());
      if (!room(client)) {
        conn.close();
        return;
      }
      admitted = new Conn(client, System.currentTimeMillis());
      perClient.merge(client, 1, Integer::sum);
    }
    open.put(conn, admitted);
    conn.closeHandler(v -> {
      Conn c = open.remove(conn);
      if (c != null) {
        release(c);
      }
    });
  }

  /** Whether one more connection from {@code client} fits; counts and logs (at most once a minute) a refusal. */
  private boolean room(String client) {
    int total = open.size() + pending.size();
    int fromClient = perClient.getOrDefault(client, 0);
    if (total < maxConnections && fromClient < maxPerClient) {
      return true;
    }
    refused++;
    long now = System.currentTimeMillis();
    if (now - lastRefusalLogMs >= REFUSAL_LOG_INTERVAL_MS) {
      lastRefusalLogMs = now;
      LOG.warn("{} port: closing new connections ({} open, {} from {}; limits {} and {} per client)", name,
          total, fromClient, client, maxConnections, maxPerClient);
    }
    return false;
  }

  private void release(Conn c) {
    perClient.computeIfPresent(c.client, (k, n) -> n <= 1 ? null : n - 1);
  }

  private void onRequest(HttpServerRequest req) {
    Conn c = open.get(req.connection());
    if (c != null) {
      c.active.add(req);
      c.servedOne = true;
    }
  }

  /**
   * Closes connections that had no request in progress for longer than they may: first gracefully
   * (HTTP/2 GOAWAY, so a client that just sent a new stream retries elsewhere), and with a reset when
   * that has not finished within another header deadline.
   */
  private void sweep() {
    long now = System.currentTimeMillis();
    List<HttpConnection> expired = new ArrayList<>();
    List<HttpConnection> stuck = new ArrayList<>();
    for (Map.Entry<HttpConnection, Conn> e : open.entrySet()) {
      Conn c = e.getValue();
      c.active.removeIf(ConnectionGuard::finished);
      if (c.closingSinceMs > 0) {
        if (now - c.closingSinceMs >= headerTimeoutMs) {
          stuck.add(e.getKey());
        }
      } else if (!c.active.isEmpty()) {
        c.idleSinceMs = now;
      } else if (now - c.idleSinceMs >= (c.servedOne ? idleMs : headerTimeoutMs)) {
        c.closingSinceMs = now;
        expired.add(e.getKey());
      }
    }
    for (HttpConnection conn : expired) {
      LOG.debug("{} port: closing connection from {}: no request in progress", name, conn.remoteAddress());
      conn.shutdown(headerTimeoutMs, TimeUnit.MILLISECONDS);
    }
    stuck.forEach(ConnectionGuard::abort);
    // accepted, but still no complete HTTP/2 preface (or HTTP/1.x headers) after the header deadline
    List<Channel> late = new ArrayList<>();
    for (Map.Entry<Channel, Conn> e : pending.entrySet()) {
      if (now - e.getValue().idleSinceMs >= headerTimeoutMs) {
        late.add(e.getKey());
      }
    }
    for (Channel ch : late) {
      LOG.debug("{} port: closing connection from {}: no complete request header in time", name, ch.remoteAddress());
      abort(ch);
    }
  }

  private static boolean finished(HttpServerRequest req) {
    HttpServerResponse resp = req.response();
    return resp.ended() || resp.closed();
  }
}
