package dev.syncnode.transport.grpc.client;

import dev.syncnode.config.NodeConfig;
import dev.syncnode.manifest.FileEntry;
import dev.syncnode.manifest.Manifest;
import dev.syncnode.manifest.ManifestCollector;
import dev.syncnode.manifest.PathViolation;
import dev.syncnode.manifest.Skipped;
import dev.syncnode.proto.FileDownloadChunk;
import dev.syncnode.proto.FileDownloadRequest;
import dev.syncnode.proto.FileScanChunk;
import dev.syncnode.proto.FileScanRequest;
import dev.syncnode.proto.SyncServiceGrpcClient;
import dev.syncnode.security.Auth;
import dev.syncnode.security.TlsOptions;
import dev.syncnode.transport.ScanResult;
import dev.syncnode.transport.SyncSource;
import dev.syncnode.transport.TransferSource;
import dev.syncnode.transport.TransportException.Kind;
import dev.syncnode.transport.TransportException;
import dev.syncnode.transport.grpc.ProtoMapping;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.streams.WriteStream;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientOptions;
import io.vertx.grpc.client.GrpcClientRequest;
import io.vertx.grpc.client.GrpcClientResponse;
import io.vertx.grpc.common.GrpcStatus;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The worker's gRPC client for {@code syncnode.v1.SyncService}. */
public final class GrpcSyncSource implements SyncSource {
  /** Refuse manifests larger than this many entries (a hostile or broken master). */
  public static final int MAX_ENTRIES = 1_000_000;
  /** How long after a call's deadline the backstop timer gives up on it. */
  static final long DEADLINE_GRACE_MS = 250;
  /** HTTP/2 flow-control window per stream granted to the master. */
  static final int STREAM_WINDOW = 2 * 1024 * 1024;
  /** Largest HTTP/2 frame the master may send (fewer frames per 128 KiB piece). */
  static final int MAX_FRAME = 256 * 1024;

  private final Vertx vertx;
  private final GrpcClient client;
  private final SocketAddress address;
  private final String authHeader;
  private final String nodeKey;
  private final Duration scanTimeout;
  private final Duration downloadTimeout;
  private final GrpcTransferClient transfers;
  private final long maxManifestBytes;

  public GrpcSyncSource(Vertx vertx, String hostPort, String token, String nodeKey, Duration scanTimeout,
      Duration downloadTimeout) {
    this(vertx, hostPort, token, nodeKey, scanTimeout, downloadTimeout, null);
  }

  /** @param tls TLS settings of the worker (see {@link TlsOptions#clientEnabled}); null: plaintext */
  public GrpcSyncSource(Vertx vertx, String hostPort, String token, String nodeKey, Duration scanTimeout,
      Duration downloadTimeout, NodeConfig.Tls tls) {
    this(vertx, hostPort, token, nodeKey, scanTimeout, downloadTimeout, tls,
        NodeConfig.Sync.DEFAULT_MAX_MANIFEST_BYTES);
  }

  /** @param maxManifestBytes {@code sync.maxManifestBytes}: a larger manifest fails at the entry that crosses it */
  public GrpcSyncSource(Vertx vertx, String hostPort, String token, String nodeKey, Duration scanTimeout,
      Duration downloadTimeout, NodeConfig.Tls tls, long maxManifestBytes) {
    this.vertx = vertx;
    this.maxManifestBytes = maxManifestBytes;
    this.address = parse(hostPort);
    this.authHeader = Auth.header(token);
    this.nodeKey = nodeKey == null ? "" : nodeKey;
    this.scanTimeout = scanTimeout;
    this.downloadTimeout = downloadTimeout;
    HttpClientOptions http = new HttpClientOptions()
        .setProtocolVersion(HttpVersion.HTTP_2)
        .setHttp2ClearTextUpgrade(false)
        .setConnectTimeout(5000)
        .setIdleTimeout(300)
        // HTTP/2's default 64 KiB windows make every 64 KiB wait for a WINDOW_UPDATE round trip:
        // larger windows keep file streams flowing; memory stays bounded (the worker pauses a stream
        // while its writer is behind, and then stops granting window).
        .setHttp2ConnectionWindowSize(STREAM_WINDOW * 8)
        .setInitialSettings(new Http2Settings().setInitialWindowSize(STREAM_WINDOW).setMaxFrameSize(MAX_FRAME));
    if (TlsOptions.clientEnabled(tls)) {
      TlsOptions.client(http, tls);
    }
    // The deadline is enforced here, not left to the master: a master that stalls or never ends a
    // stream is cut off after sync.timeout.scan / sync.timeout.download.
    this.client = GrpcClient.client(vertx, new GrpcClientOptions()
        .setMaxMessageSize(ProtoMapping.MAX_MESSAGE_SIZE)
        .setScheduleDeadlineAutomatically(true), http);
    this.transfers = new GrpcTransferClient(this, client, address, this.nodeKey, downloadTimeout);
  }

  /** Parses {@code HOST:PORT} (IPv6 hosts in brackets) into a socket address. */
  public static SocketAddress parse(String hostPort) {
    int colon = hostPort == null ? -1 : hostPort.lastIndexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("master gRPC address must be HOST:PORT, got " + hostPort);
    }
    String host = hostPort.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(hostPort.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("bad port in master gRPC address " + hostPort);
    }
    return SocketAddress.inetSocketAddress(port, host);
  }

  @Override
  public String name() {
    return "grpc";
  }

  @Override
  public Future<Manifest> scan(String spiderId, String path) {
    return scan(spiderId, path, null).compose(r -> r.unchanged()
        ? Future.failedFuture(new TransportException(Kind.PROTOCOL, "master answered unchanged to a full scan"))
        : Future.succeededFuture(r.manifest()));
  }

  @Override
  public Future<ScanResult> scan(String spiderId, String path, String knownDigest) {
    FileScanRequest request = FileScanRequest.newBuilder()
        .setSpiderId(spiderId).setPath(path == null ? "" : path).setNodeKey(nodeKey)
        .setKnownDigest(knownDigest == null ? "" : knownDigest).build();
    return client.request(address, SyncServiceGrpcClient.StreamFileScan)
        .compose(req -> {
          prepare(req, scanTimeout);
          return deadline(req, scanTimeout,
              req.send(request).compose(resp -> cancelOnFailure(req, collectManifest(resp, request.getKnownDigest()))));
        })
        .recover(err -> Future.failedFuture(classify("scan of " + spiderId, err)));
  }

  @Override
  public TransferSource transfers() {
    return transfers;
  }

  /**
   * Checks each entry as its chunk arrives (path rules, limits of {@code sync.maxManifestBytes} and
   * {@link #MAX_ENTRIES}): the first bad one fails the call, which cancels the stream, so a hostile
   * master never gets a manifest held whole before it is judged.
   */
  private Future<ScanResult> collectManifest(GrpcClientResponse<FileScanRequest, FileScanChunk> resp,
      String knownDigest) {
    if (resp.status() != null && resp.status() != GrpcStatus.OK) {
      return Future.failedFuture(statusError(resp));
    }
    ManifestCollector entries = new ManifestCollector(maxManifestBytes, MAX_ENTRIES);
    List<Skipped> skipped = new ArrayList<>();
    String[] digest = {null};
    long[] total = {-1};
    long[] skippedTotal = {0};
    boolean[] last = {false};
    boolean[] unchanged = {false};
    Promise<ScanResult> result = Promise.promise();
    resp.handler(chunk -> {
      if (result.future().isComplete()) {
        return;
      }
      ProtoMapping.readSkipped(chunk, skipped);
      skippedTotal[0] = Math.max(skippedTotal[0], chunk.getSkippedTotal());
      if (chunk.getUnchanged()) {
        if (total[0] >= 0 || last[0] || chunk.getEntriesCount() > 0 || !chunk.getLast() || knownDigest.isEmpty()
            || !knownDigest.equals(chunk.getDigest())) {
          result.tryFail(new TransportException(Kind.PROTOCOL, "malformed unchanged answer"));
          return;
        }
        unchanged[0] = true;
        last[0] = true;
        total[0] = chunk.getTotal();
        digest[0] = chunk.getDigest();
        return;
      }
      if (last[0]) {
        result.tryFail(new TransportException(Kind.PROTOCOL, "chunk after the last chunk"));
        return;
      }
      if (total[0] < 0) {
        total[0] = chunk.getTotal();
        digest[0] = chunk.getDigest();
        if (total[0] > MAX_ENTRIES) {
          result.tryFail(new TransportException(Kind.INVALID, "manifest too large: " + total[0] + " entries"));
          return;
        }
      } else if (chunk.getTotal() != total[0] || !chunk.getDigest().equals(digest[0])) {
        result.tryFail(new TransportException(Kind.PROTOCOL, "manifest changed between chunks"));
        return;
      }
      if (entries.size() + chunk.getEntriesCount() > Math.min(total[0], MAX_ENTRIES)) {
        result.tryFail(new TransportException(Kind.PROTOCOL, "more entries than the announced total"));
        return;
      }
      for (dev.syncnode.proto.FileEntry e : chunk.getEntriesList()) {
        try {
          entries.add(ProtoMapping.fromProto(e));
        } catch (PathViolation bad) {
          result.tryFail(new TransportException(Kind.INVALID, "rejected manifest from master: " + bad.getMessage()));
          return;
        } catch (IllegalArgumentException bad) {
          result.tryFail(new TransportException(Kind.INVALID, "bad manifest entry: " + bad.getMessage()));
          return;
        }
      }
      last[0] = chunk.getLast();
    });
    resp.end().onComplete(ar -> {
      if (ar.failed()) {
        result.tryFail(endError(resp, ar.cause()));
      } else if (!last[0]) {
        result.tryFail(new TransportException(Kind.PROTOCOL, "manifest stream ended without its last chunk"));
      } else if (unchanged[0]) {
        result.tryComplete(ScanResult.unchanged(digest[0], total[0]).withSkipped(skipped, skippedTotal[0]));
      } else if (entries.size() != total[0]) {
        result.tryFail(new TransportException(Kind.PROTOCOL,
            "manifest has " + entries.size() + " entries, announced " + total[0]));
      } else {
        try {
          result.tryComplete(ScanResult.of(new Manifest(null, "", entries.finish(), digest[0])
              .withSkipped(skipped, skippedTotal[0])));
        } catch (PathViolation bad) {
          result.tryFail(new TransportException(Kind.INVALID, "rejected manifest from master: " + bad.getMessage()));
        }
      }
    });
    return result.future();
  }

  @Override
  public Future<Long> download(String spiderId, String path, long offset, long expectedSize,
      WriteStream<Buffer> sink) {
    FileDownloadRequest request = FileDownloadRequest.newBuilder()
        .setSpiderId(spiderId).setPath(path).setOffset(offset).setNodeKey(nodeKey).build();
    return client.request(address, SyncServiceGrpcClient.StreamFileDownload)
        .compose(req -> {
          prepare(req, downloadTimeout);
          return deadline(req, downloadTimeout, req.send(request)
              .compose(resp -> cancelOnFailure(req, receive(resp, path, offset, expectedSize, sink))));
        })
        .recover(err -> Future.failedFuture(classify("download of " + spiderId + "/" + path, err)));
  }

  private Future<Long> receive(GrpcClientResponse<FileDownloadRequest, FileDownloadChunk> resp, String path,
      long offset, long expectedSize, WriteStream<Buffer> sink) {
    if (resp.status() != null && resp.status() != GrpcStatus.OK) {
      return Future.failedFuture(statusError(resp));
    }
    Promise<Long> result = Promise.promise();
    long[] pos = {offset};
    resp.handler(chunk -> {
      if (result.future().isComplete()) {
        return;
      }
      int n = chunk.getData().size();
      if (n == 0) {
        return;
      }
      if (chunk.getOffset() != pos[0]) {
        result.tryFail(new TransportException(Kind.PROTOCOL,
            path + ": chunk at offset " + chunk.getOffset() + ", expected " + pos[0]));
        return;
      }
      if (pos[0] + n > expectedSize) {
        result.tryFail(new TransportException(Kind.INTEGRITY,
            path + ": master sent more than the manifest size of " + expectedSize + " bytes"));
        return;
      }
      pos[0] += n;
      sink.write(Buffer.buffer(chunk.getData().toByteArray()));
      if (sink.writeQueueFull()) {
        resp.pause();
        sink.drainHandler(v -> resp.resume());
      }
    });
    resp.end().onComplete(ar -> {
      if (ar.failed()) {
        result.tryFail(endError(resp, ar.cause()));
      } else {
        result.tryComplete(pos[0] - offset);
      }
    });
    return result.future();
  }

  static <T> Future<T> cancelOnFailure(GrpcClientRequest<?, ?> req, Future<T> f) {
    return f.onFailure(err -> {
      try {
        req.cancel();
      } catch (RuntimeException ignored) {
        // already ended
      }
    });
  }

  /**
   * A failure after the request's own deadline fired is a TIMEOUT, whatever the stream reported. A
   * backstop timer fails the call shortly after the deadline even if the stream never reports its
   * cancellation (seen with a master flooding messages while its connection was being torn down).
   */
  <T> Future<T> deadline(GrpcClientRequest<?, ?> req, Duration timeout, Future<T> f) {
    if (timeout == null || timeout.isZero()) {
      return f;
    }
    Promise<T> result = Promise.promise();
    long backstop = vertx.setTimer(timeout.toMillis() + DEADLINE_GRACE_MS, id -> {
      if (result.tryFail(timedOut(timeout, null))) {
        try {
          req.cancel();
        } catch (RuntimeException ignored) {
          // already gone
        }
      }
    });
    f.onComplete(ar -> {
      vertx.cancelTimer(backstop);
      if (ar.succeeded()) {
        result.tryComplete(ar.result());
        return;
      }
      io.vertx.core.Timer d = req.deadline();
      Throwable err = ar.cause();
      boolean integrity = err instanceof TransportException te && te.kind() == Kind.INTEGRITY;
      result.tryFail(d != null && d.succeeded() && !integrity ? timedOut(timeout, err) : err);
    });
    return result.future();
  }

  private static TransportException timedOut(Duration timeout, Throwable cause) {
    return new TransportException(Kind.TIMEOUT,
        "no complete answer from the master within " + timeout.toMillis() + " ms", cause);
  }

  void prepare(GrpcClientRequest<?, ?> req, Duration timeout) {
    if (authHeader != null) {
      req.headers().set("authorization", authHeader);
    }
    if (timeout != null && !timeout.isZero()) {
      req.timeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /** Why a response stream ended badly: its gRPC status, or what broke it before a status came. */
  static TransportException endError(GrpcClientResponse<?, ?> resp, Throwable cause) {
    if (resp.status() == null && cause instanceof io.vertx.grpc.common.MessageSizeOverflowException big) {
      return new TransportException(Kind.PROTOCOL, "the master sent a message of " + big.messageSize()
          + " bytes, more than the limit of " + ProtoMapping.MAX_MESSAGE_SIZE, cause);
    }
    if (resp.status() == null && cause instanceof io.vertx.grpc.common.InvalidMessageException) {
      return new TransportException(Kind.PROTOCOL, "the master sent an invalid message: " + cause, cause);
    }
    if (resp.status() == null && cause != null && !(cause instanceof TransportException)) {
      return classify("gRPC stream", cause);
    }
    return statusError(resp);
  }

  /**
   * The status message, percent-decoded exactly once ({@code statusMessage()} has already decoded
   * it; decoding again broke on messages that contain a '%', such as a path). A malformed encoding
   * from a hostile master is shown raw instead of throwing, which would leave the call unanswered.
   */
  public static String statusMessage(GrpcClientResponse<?, ?> resp) {
    try {
      String msg = resp.statusMessage();
      if (msg != null) {
        return msg;
      }
    } catch (IllegalArgumentException malformed) {
      // fall through to the raw header
    }
    String raw = resp.headers() == null ? null : resp.headers().get("grpc-message");
    if (raw == null && resp.trailers() != null) {
      raw = resp.trailers().get("grpc-message");
    }
    if (raw == null) {
      return null;
    }
    try {
      return io.netty.handler.codec.http.QueryStringDecoder.decodeComponent(raw);
    } catch (IllegalArgumentException malformed) {
      return raw;
    }
  }

  static TransportException statusError(GrpcClientResponse<?, ?> resp) {
    GrpcStatus status = resp.status() == null ? GrpcStatus.UNKNOWN : resp.status();
    String msg = statusMessage(resp);
    // GrpcStatus.toString() is the numeric code ("5"); operators need the name ("NOT_FOUND")
    String text = "gRPC " + status.name() + (msg == null ? "" : ": " + msg);
    switch (status) {
      case NOT_FOUND:
        return new TransportException(Kind.NOT_FOUND, text);
      case INVALID_ARGUMENT:
      case OUT_OF_RANGE:
        return new TransportException(Kind.INVALID, text);
      case UNAUTHENTICATED:
      case PERMISSION_DENIED:
        return new TransportException(Kind.UNAUTHENTICATED, text);
      case UNAVAILABLE:
        return new TransportException(Kind.UNAVAILABLE, text);
      case RESOURCE_EXHAUSTED:
        return new TransportException(Kind.BUSY, text);
      case DEADLINE_EXCEEDED:
        return new TransportException(Kind.TIMEOUT, text);
      case UNIMPLEMENTED:
        return new TransportException(Kind.UNAVAILABLE, text);
      default:
        return new TransportException(Kind.PROTOCOL, text);
    }
  }

  /** Maps client-side failures (connect refused, reset, timeouts) to transport kinds. */
  static TransportException classify(String what, Throwable err) {
    if (err instanceof TransportException te) {
      return te;
    }
    String detail = err.getClass().getSimpleName() + (err.getMessage() == null ? "" : ": " + err.getMessage());
    Throwable root = err;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    if (root != err && root.getMessage() != null) {
      detail += "; " + root.getMessage(); // e.g. why a TLS handshake failed
    }
    if (err instanceof ConnectException || err instanceof io.vertx.core.http.StreamResetException
        || err instanceof io.vertx.core.VertxException && String.valueOf(err.getMessage()).contains("Connection was closed")
        || err instanceof java.io.IOException) {
      return new TransportException(Kind.UNAVAILABLE, what + " failed: master unreachable over gRPC (" + detail + ")", err);
    }
    if (err instanceof java.util.concurrent.TimeoutException || err instanceof io.netty.handler.timeout.TimeoutException) {
      return new TransportException(Kind.TIMEOUT, what + " timed out (" + detail + ")", err);
    }
    return new TransportException(Kind.UNAVAILABLE, what + " failed over gRPC (" + detail + ")", err);
  }

  @Override
  public Future<Void> close() {
    return client.close();
  }
}
