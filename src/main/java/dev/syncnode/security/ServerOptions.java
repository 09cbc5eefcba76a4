package dev.syncnode.security;

import dev.syncnode.config.NodeConfig;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.grpc.server.GrpcProtocol;
import io.vertx.grpc.server.GrpcServerOptions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Hardened options of the node's two listening ports.
 *
 * <ul>
 *   <li>Idle timeout ({@code grpc.idleTimeout}, {@code http.idleTimeout}): a connection that moves no
 *       byte in either direction for that long is closed, so a stalled client (one that stopped
 *       reading a download, or never finishes its request) cannot hold a throttle slot, a file handle
 *       or a stream forever; closing the connection is what frees its slot. A worker's HTTP port has
 *       none: {@code POST /api/sync/{id}} answers only when the whole sync is done; there the
 *       {@link ConnectionGuard} closes connections without a request in progress.
 *   <li>At most {@code maxStreamsPerConnection} concurrent HTTP/2 streams per connection; connection
 *       counts and the header deadline are the {@link ConnectionGuard}'s.
 *   <li>TLS from {@code tls.*} ({@link TlsOptions}).
 *   <li>The gRPC port serves gRPC over HTTP/2 only (no gRPC-Web, no JSON transcoding over HTTP/1.1),
 *       with a bounded message size. Vert.x's other HTTP/2 defaults stay: 8 KiB header lists,
 *       RST-flood protection; HTTP/1.1: 4 KiB request line, 8 KiB headers.
 * </ul>
 */
public final class ServerOptions {
  private ServerOptions() {}

  /** Options of the master's gRPC port. */
  public static HttpServerOptions grpcPort(NodeConfig c) {
    NodeConfig.Endpoint ep = c.grpc();
    HttpServerOptions o = new HttpServerOptions().setHost(ep.host()).setPort(ep.port());
    idle(o, ep.idleTimeout());
    streams(o, ep);
    return TlsOptions.server(o, c.tls());
  }

  /** Options of the HTTP port (idle timeout on a master only). */
  public static HttpServerOptions httpPort(NodeConfig c) {
    NodeConfig.Endpoint ep = c.http();
    HttpServerOptions o = new HttpServerOptions().setHost(ep.host()).setPort(ep.port());
    if (c.node().role() == NodeConfig.Role.MASTER) {
      idle(o, ep.idleTimeout());
    }
    streams(o, ep);
    // no h2c upgrade: with it, Vert.x sees an HTTP/1.x connection only once its first request's headers
    // are complete, so the connection guard could neither count nor time out a connection trickling them
    o.setHttp2ClearTextEnabled(false);
    return TlsOptions.server(o, c.tls());
  }

  /** HTTP/2: at most {@code maxStreamsPerConnection} concurrent streams per connection. */
  private static void streams(HttpServerOptions o, NodeConfig.Endpoint ep) {
    o.setInitialSettings(o.getInitialSettings().setMaxConcurrentStreams(Math.max(1, ep.maxStreamsPerConnection())));
  }

  /** gRPC over HTTP/2 only, messages up to {@code maxMessageSize} bytes. */
  public static GrpcServerOptions grpc(long maxMessageSize) {
    return new GrpcServerOptions()
        .setMaxMessageSize(maxMessageSize)
        .removeEnabledProtocol(GrpcProtocol.TRANSCODING)
        .removeEnabledProtocol(GrpcProtocol.WEB)
        .removeEnabledProtocol(GrpcProtocol.WEB_TEXT);
  }

  private static void idle(HttpServerOptions o, Duration d) {
    if (d != null && !d.isZero() && !d.isNegative()) {
      o.setIdleTimeoutUnit(TimeUnit.MILLISECONDS).setIdleTimeout((int) Math.min(Integer.MAX_VALUE, d.toMillis()));
    }
  }
}
