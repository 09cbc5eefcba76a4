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
   * The manifest, or "unchanged" when {@code knownDigest} (the digest of the manifest the worker
   * already holds; null or empty for none) is still the master's. Transports that cannot tell always
   * answer with the manifest.
   */
  default Future<ScanResult> scan(String spiderId, String path, String knownDigest) {
    return scan(spiderId, path).map(ScanResult::of);
  }

  /** Bulk, ranged and delta transfers, or null when this transport offers only {@link #download}. */
  default TransferSource transfers() {
    return null;
  }

  /**
   * Streams the bytes of {@code path} from {@code offset} on into {@code sink}, with back-pressure.
   * Fails if the master sends more than {@code expectedSize - offset} bytes. Does not close the sink.
   *
   * @return the number of bytes written
   */
  Future<Long> download(String spiderId, String path, long offset, long expectedSize, WriteStream<Buffer> sink);

  Future<Void> close();
}
