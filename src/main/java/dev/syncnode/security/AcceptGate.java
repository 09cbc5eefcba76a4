package dev.syncnode.security;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.transport.Transport;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shows every TCP connection a listening port accepts to that port's {@link ConnectionGuard} before
 * Vert.x sees it, so that the guard can count it and give it a deadline from the first moment.
 *
 * <p>Why: on the gRPC port (cleartext HTTP/2, prior knowledge) Vert.x 5.0 creates an
 * {@code HttpConnection}, and calls the server's connection handler, only once the client has sent
 * its whole HTTP/2 preface (or, for HTTP/1.x there, the headers of its first request). A client that
 * trickles those bytes was invisible to the guard, bounded only by the byte-level idle timeout.
 *
 * <p>How, with public extension points only: the node's Vert.x is built with a transport
 * ({@link #transport}) that delegates everything to the usual one (NIO, or the native one when
 * preferred and available), except that when a server is bound ({@code Transport.configure(
 * NetServerOptions, boolean, ServerBootstrap)}, called by Vert.x 5.0.7's {@code NetServerImpl} after it
 * has set its child handler) it wraps that child handler: each accepted channel is first offered to
 * the guard listening on its local port and on its event loop ({@link #listen}); a refused channel is
 * closed before Vert.x adds anything to it. Where the hook is missing (a Vert.x built otherwise, or a
 * Vert.x version that configures the bootstrap before setting its child handler) nothing is wrapped
 * and the guard counts connections from their {@code HttpConnection} on, as before. One visible side
 * effect: {@code Vertx.isNativeTransportEnabled()} answers true (Vert.x 5.0.7 checks for its own NIO
 * class); nothing in the node reads it.
 */
public final class AcceptGate {
  private static final Logger LOG = LoggerFactory.getLogger(AcceptGate.class);

  /** Decides about a connection just accepted; runs on the connection's event loop. */
  @FunctionalInterface
  public interface Listener {
    /** Whether to let {@code ch} through; false closes it at once. */
    boolean admit(Channel ch);
  }

  /** A listener and the event-loop thread it lives on (a guard is confined to its verticle's loop). */
  private record Registration(Thread loop, Listener listener) {}

  /** By local port; several Vert.x instances (tests) or verticle instances may share a port number. */
  private static final Map<Integer, List<Registration>> LISTENERS = new ConcurrentHashMap<>();
  private static final AtomicBoolean WARNED = new AtomicBoolean();

  private AcceptGate() {}

  /** {@code builder} with the transport {@code options} would give it, wrapped by the gate. */
  public static VertxBuilder install(VertxBuilder builder, VertxOptions options) {
    return builder.withTransport(transport(options));
  }

  /** The transport Vert.x would choose for {@code options} (native when preferred and available, else NIO), gated. */
  public static Transport transport(VertxOptions options) {
    Transport chosen = options.getPreferNativeTransport() ? Transport.nativeTransport() : null;
    if (chosen == null || !chosen.available()) {
      chosen = Transport.NIO;
    }
    Transport base = chosen;
    GatedTransport gated = new GatedTransport(base.implementation());
    return new Transport() {
      @Override
      public String name() {
        return base.name();
      }

      @Override
      public boolean available() {
        return base.available();
      }

      @Override
      public Throwable unavailabilityCause() {
        return base.unavailabilityCause();
      }

      @Override
      public io.vertx.core.spi.transport.Transport implementation() {
        return gated;
      }
    };
  }

  /**
   * Offers the connections accepted on local port {@code port} and on the event loop running on
   * thread {@code loop} to {@code listener}; the returned handle stops that.
   */
  public static Runnable listen(int port, Thread loop, Listener listener) {
    Registration r = new Registration(loop, listener);
    LISTENERS.computeIfAbsent(port, p -> new CopyOnWriteArrayList<>()).add(r);
    return () -> LISTENERS.computeIfPresent(port, (p, list) -> {
      list.remove(r);
      return list.isEmpty() ? null : list;
    });
  }

  /** Called by the transport when a server is set up: wraps its child handler. */
  static void configure(ServerBootstrap bootstrap) {
    ChannelHandler vertx = bootstrap.config().childHandler();
    if (vertx == null) {
      if (WARNED.compareAndSet(false, true)) {
        LOG.warn("cannot see connections before Vert.x does: connection limits start at the HTTP connection");
      }
      return;
    }
    bootstrap.childHandler(new Gate(vertx));
  }

  /** Offers an accepted channel to its port's listener, then hands it to Vert.x's own initializer. */
  @ChannelHandler.Sharable
  private static final class Gate extends ChannelInitializer<Channel> {
    private final ChannelHandler vertx;

    Gate(ChannelHandler vertx) {
      this.vertx = vertx;
    }

    @Override
    protected void initChannel(Channel ch) {
      Listener l = listenerFor(ch);
      if (l != null && !l.admit(ch)) {
        ch.close();
        return;
      }
      ch.pipeline().addLast(vertx);
    }
  }

  private static Listener listenerFor(Channel ch) {
    if (!(ch.localAddress() instanceof InetSocketAddress local)) {
      return null;
    }
    List<Registration> regs = LISTENERS.get(local.getPort());
    if (regs == null) {
      return null;
    }
    Thread current = Thread.currentThread();
    for (Registration r : regs) {
      if (r.loop() == current) {
        return r.listener();
      }
    }
    return null;
  }
}
