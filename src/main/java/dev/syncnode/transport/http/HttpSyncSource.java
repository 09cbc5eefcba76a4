package dev.syncnode.transport.http;

import dev.syncnode.manifest.Manifest;
import dev.syncnode.transport.SyncSource;
import dev.syncnode.transport.TransportException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;
import java.time.Duration;

/** The worker's HTTP client to a master (fallback transport). */
public final class HttpSyncSource implements SyncSource {
  public HttpSyncSource(Vertx vertx, String baseUrl, String token, Duration scanTimeout, Duration downloadTimeout) {}

  @Override
  public String name() {
    return "http";
  }

  @Override
  public Future<Manifest> scan(String spiderId, String path) {
    return Future.failedFuture(new TransportException(TransportException.Kind.UNAVAILABLE, "HTTP transport not built yet"));
  }

  @Override
  public Future<Long> download(String spiderId, String path, long offset, long expectedSize, WriteStream<Buffer> sink) {
    return Future.failedFuture(new TransportException(TransportException.Kind.UNAVAILABLE, "HTTP transport not built yet"));
  }

  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }
}
