package dev.syncnode.worker;

import dev.syncnode.manifest.Manifest;
import dev.syncnode.metrics.SyncMetrics;
import dev.syncnode.transport.ScanResult;
import dev.syncnode.transport.SyncSource;
import dev.syncnode.transport.TransportException.Kind;
import dev.syncnode.transport.TransportException;
import io.vertx.core.Future;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The master as one sync sees it: gRPC first, HTTP after a transport failure of gRPC; every call retried. */
final class Transports {
  private static final Logger LOG = LoggerFactory.getLogger(Transports.class);

  private final String spiderId;
  private final SyncSource http;
  private final Backoff backoff;
  private final SyncMetrics metrics;
  private SyncSource current;
  /** Why gRPC failed when the run fell back to HTTP: a failure over HTTP then names both. */
  private String grpcFailure;
  /** The master answered that it has no such spider (deleted there, or never there). */
  private boolean spiderUnknown;

  Transports(String spiderId, SyncSource grpc, SyncSource http, Backoff backoff, SyncMetrics metrics) {
    this.spiderId = spiderId;
    this.http = http;
    this.current = grpc != null ? grpc : http;
    this.backoff = backoff;
    this.metrics = metrics;
  }

  /** The transport in use; null when none is configured. */
  SyncSource current() {
    return current;
  }

  boolean spiderUnknown() {
    return spiderUnknown;
  }

  /** The master's list of the spider ({@code known}: the digest held here, or null for the full list). */
  Future<ScanResult> scan(String known) {
    return run("scan of " + spiderId, src -> src.scan(spiderId, "", known))
        .onFailure(err -> spiderUnknown |= TransportException.kindOf(err) == Kind.NOT_FOUND);
  }

  Future<Manifest> fullScan() {
    return scan(null).compose(r -> r.unchanged()
        ? Future.failedFuture(new TransportException(Kind.PROTOCOL, "unchanged answer to a full scan"))
        : Future.succeededFuture(r.manifest()));
  }

  /** Runs {@code op} on the current transport with retries; a transport failure of gRPC switches to HTTP. */
  <T> Future<T> run(String what, Function<SyncSource, Future<T>> op) {
    return backoff.run(what, () -> op.apply(current).recover(err -> {
      Kind kind = TransportException.kindOf(err);
      if (kind != null && kind.fallback && "grpc".equals(current.name()) && http != null) {
        LOG.warn("{} failed over gRPC ({}); falling back to HTTP", what, err.getMessage());
        grpcFailure = err.getMessage();
        metrics.grpcFallback();
        current = http;
        return op.apply(current);
      }
      return Future.failedFuture(err);
    }));
  }

  /** After a fallback, a failure over HTTP also carries why gRPC failed (same kind, same code). */
  <T> Future<T> withGrpcCause(Throwable err) {
    if (grpcFailure == null || !(err instanceof TransportException te) || !"http".equals(current.name())) {
      return Future.failedFuture(err);
    }
    return Future.failedFuture(new TransportException(te.kind(), "over HTTP: " + te.getMessage()
        + "; over gRPC before: " + grpcFailure, te, te.retryAfterMs()));
  }
}
