package dev.syncnode.transport;

import dev.syncnode.manifest.Manifest;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;

/**
 * Where a worker gets manifests and file bytes from: the master over gRPC or over HTTP. Failures are
 * {@link TransportException}s whose kind says whether a retry or a fallback can help.
 */
public interface SyncSource {
  /** "grpc" or "http": the name used in reports and metric labels. */
  String name();

  /** The manifest of the spider (or of a sub-path of it). */
  Future<Manifest> scan(String spiderId, String path);

  /**
   * Streams the bytes of {@code path} from {@code offset} on into {@code sink}, with back-pressure.
   * Fails if the master sends more than {@code expectedSize - offset} bytes. Does not close the sink.
   *
   * @return the number of bytes written
   */
  Future<Long> download(String spiderId, String path, long offset, long expectedSize, WriteStream<Buffer> sink);

  Future<Void> close();
}
