package dev.syncnode.transport.grpc.client;

import dev.syncnode.config.HostPort;
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
import io.vertx.grpc.client.GrpcClientResponse;
import io.vertx.grpc.common.GrpcStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The worker's gRPC client for {@code syncnode.v1.SyncService}. */
public final class GrpcSyncSource implements SyncSource {
  /** Refuse manifests larger than this many entries (a hostile or broken master). */
  public static final int MAX_ENTRIES = 1_000_000;
  /** HTTP/2 flow-control window per stream granted to the master. */
  static final int STREAM_WINDOW = 2 * 1024 * 1024;
  /** Largest HTTP/2 frame the master may send (fewer frames per 128 KiB piece). */
  static final int MAX_FRAME = 256 * 1024;

  private final GrpcClient client;
  private final GrpcCalls calls;
  private final String nodeKey;
  private final Duration scanTimeout;
  private final Duration downloadTimeout;
  private final GrpcTransferClient transfers;
  private final long maxManifestBytes;

  /**
   * @param tls TLS settings of the worker (see {@link TlsOptions#clientEnabled}); null: plaintext
   * @param maxManifestBytes {@code sync.maxManifestBytes}: a larger manifest fails at the entry that crosses it
   */
  public GrpcSyncSource(Vertx vertx, String hostPort, String token, String nodeKey, Duration scanTimeout,
      Duration downloadTimeout, NodeConfig.Tls tls, long maxManifestBytes) {
    this.maxManifestBytes = maxManifestBytes;
    HostPort target = HostPort.parse(hostPort);
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
    this.calls = new GrpcCalls(vertx, client, SocketAddress.inetSocketAddress(target.port(), target.host()),
        Auth.header(token));
    this.transfers = new GrpcTransferClient(calls, this.nodeKey, downloadTimeout);
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
    return calls.call(SyncServiceGrpcClient.StreamFileScan, request, scanTimeout, "scan of " + spiderId,
        resp -> collectManifest(resp, request.getKnownDigest()));
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
      return Future.failedFuture(GrpcFailures.status(resp, false));
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
        result.tryFail(GrpcFailures.end(resp, ar.cause(), false));
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
    return calls.call(SyncServiceGrpcClient.StreamFileDownload, request, downloadTimeout,
        "download of " + spiderId + "/" + path, resp -> receive(resp, path, offset, expectedSize, sink));
  }

  private Future<Long> receive(GrpcClientResponse<FileDownloadRequest, FileDownloadChunk> resp, String path,
      long offset, long expectedSize, WriteStream<Buffer> sink) {
    long[] pos = {offset};
    return GrpcCalls.receive(resp, sink, false, (FileDownloadChunk chunk) -> {
      int n = chunk.getData().size();
      if (n == 0) {
        return null;
      }
      if (chunk.getOffset() != pos[0]) {
        throw new TransportException(Kind.PROTOCOL,
            path + ": chunk at offset " + chunk.getOffset() + ", expected " + pos[0]);
      }
      if (pos[0] + n > expectedSize) {
        throw new TransportException(Kind.INTEGRITY,
            path + ": master sent more than the manifest size of " + expectedSize + " bytes");
      }
      pos[0] += n;
      return Buffer.buffer(chunk.getData().toByteArray());
    }).map(v -> pos[0] - offset);
  }

  @Override
  public Future<Void> close() {
    return client.close();
  }
}
