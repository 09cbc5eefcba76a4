package dev.syncnode.worker;

import dev.syncnode.config.NodeConfig;
import dev.syncnode.transport.SyncSource;
import dev.syncnode.transport.grpc.client.GrpcSyncSource;
import dev.syncnode.transport.http.client.HttpSyncSource;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Objects;

/**
 * The worker's clients to its master, rebuilt when the master address, token or timeouts change
 * (so a hot reload takes effect on the next sync) and reused otherwise (pooled connections).
 */
final class Sources {
  private final Vertx vertx;
  private Object grpcKey;
  private Object httpKey;
  private SyncSource grpc;
  private SyncSource http;

  Sources(Vertx vertx) {
    this.vertx = vertx;
  }

  /** gRPC client, or null when the config says HTTP only or names no gRPC address. */
  SyncSource grpc(NodeConfig c) {
    String addr = c.master().grpc();
    if (!c.sync().useGrpc() || addr == null || addr.isBlank()) {
      return null;
    }
    Object key = java.util.List.of(addr, c.auth().token(), c.node().key(), c.sync().timeout(), c.tls(),
        c.sync().maxManifestBytes());
    if (!Objects.equals(key, grpcKey)) {
      if (grpc != null) {
        grpc.close();
      }
      grpc = new GrpcSyncSource(vertx, addr, c.auth().token(), c.node().key(), c.sync().timeout().scan(),
          c.sync().timeout().download(), c.tls(), c.sync().maxManifestBytes());
      grpcKey = key;
    }
    return grpc;
  }

  /** HTTP client, or null when no master HTTP address is configured. */
  SyncSource http(NodeConfig c) {
    String url = c.master().http();
    if (url == null || url.isBlank()) {
      return null;
    }
    Object key = java.util.List.of(url, c.auth().token(), c.sync().timeout(), c.tls(), c.sync().maxManifestBytes());
    if (!Objects.equals(key, httpKey)) {
      if (http != null) {
        http.close();
      }
      http = new HttpSyncSource(vertx, url, c.auth().token(), c.sync().timeout().scan(),
          c.sync().timeout().download(), c.tls(), c.sync().maxManifestBytes());
      httpKey = key;
    }
    return http;
  }

  Future<Void> close() {
    return Future.all(grpc == null ? Future.succeededFuture() : grpc.close(),
        http == null ? Future.succeededFuture() : http.close()).mapEmpty();
  }
}
