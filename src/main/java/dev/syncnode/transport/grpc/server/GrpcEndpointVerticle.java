package dev.syncnode.transport.grpc.server;

import dev.syncnode.config.ConfigHolder;
import dev.syncnode.config.NodeConfig;
import dev.syncnode.manifest.Manifest;
import dev.syncnode.master.MasterService;
import dev.syncnode.master.UnexpectedFailure;
import dev.syncnode.master.scan.ScanException;
import dev.syncnode.master.scan.ScanRequest;
import dev.syncnode.metrics.SyncMetrics;
import dev.syncnode.piece.PieceCodec;
import dev.syncnode.proto.FileScanChunk;
import dev.syncnode.proto.FileScanRequest;
import dev.syncnode.proto.SyncServiceGrpcService;
import dev.syncnode.security.Auth;
import dev.syncnode.security.ConnectionGuard;
import dev.syncnode.security.ServerOptions;
import dev.syncnode.transport.ListenFailure;
import dev.syncnode.transport.grpc.ProtoMapping;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerRequest;
import io.vertx.grpc.server.GrpcServerResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The master's gRPC endpoint: translates {@code StreamFileScan} into a scan-cache request and streams
 * the manifest in chunks, and streams file contents for {@code StreamFileDownload}. Both honour
 * HTTP/2 back-pressure (writes pause while the client's window is full), so memory does not grow
 * with manifest or file size. Errors are gRPC status codes.
 */
public final class GrpcEndpointVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(GrpcEndpointVerticle.class);
  public static final long MAX_MESSAGE_SIZE = ProtoMapping.MAX_MESSAGE_SIZE;

  private final ConfigHolder config;
  private final SyncMetrics metrics;
  private volatile HttpServer server; // read by the HTTP endpoint's /health probe
  private ConnectionGuard guard;
  private TransferService transfers;
  private MasterService master;
  /** Encoded manifest chunks shared by the workers asking for the same manifest (event loop only). */
  private final ManifestChunks manifests = new ManifestChunks();

  public GrpcEndpointVerticle(ConfigHolder config, SyncMetrics metrics) {
    this.config = config;
    this.metrics = metrics;
  }

  /** The bound port (useful when configured with port 0). */
  public int actualPort() {
    return server == null ? 0 : server.actualPort(); // 0 until it started (a /health probe may ask first)
  }

  /** Bytes read for download streams and not yet taken by their clients (at most {@code sync.grpc.sendBudget}). */
  public long sendBytesHeld() {
    return transfers == null ? 0 : transfers.budget().held();
  }

  /** The most bytes ever held at once for download streams. */
  public long sendBytesPeak() {
    return transfers == null ? 0 : transfers.budget().peak();
  }

  /** Download streams served now (tests; read on the endpoint's event loop or racy). */
  public int downloadStreams() {
    return transfers == null ? 0 : transfers.streams();
  }

  @Override
  public Future<?> start() {
    GrpcServer grpc = GrpcServer.server(vertx, ServerOptions.grpc(MAX_MESSAGE_SIZE));
    master = MasterService.onEventBus(vertx, () -> config.get().sync().timeout().scan().toMillis());
    transfers = new TransferService(vertx, master, config, metrics, this::fail);
    grpc.callHandler(SyncServiceGrpcService.StreamFileScan, authorized(this::onScan));
    grpc.callHandler(SyncServiceGrpcService.StreamFileDownload, authorized(transfers::download));
    grpc.callHandler(SyncServiceGrpcService.StreamFiles, authorized(transfers::files));
    grpc.callHandler(SyncServiceGrpcService.StreamBlockHashes, authorized(transfers::blockHashes));
    NodeConfig.Endpoint ep = config.get().grpc();
    HttpServerOptions options = ServerOptions.grpcPort(config.get());
    server = vertx.createHttpServer(options);
    guard = ConnectionGuard.install(vertx, "gRPC", ep, server, grpc);
    // zstd's native library loads off the event loop, before any request negotiates a codec
    return vertx.executeBlocking(PieceCodec::zstdAvailable, false)
        .compose(zstd -> guard.listen())
        .recover(err -> Future.failedFuture(ListenFailure.explain("grpc", ep, err)))
        .onSuccess(s -> LOG.info("gRPC endpoint listening on {}:{}", ep.host(), s.actualPort()));
  }

  @Override
  public Future<?> stop() {
    return guard == null ? Future.succeededFuture() : guard.close();
  }

  /** {@code call}, for requests that carry the token (when one is set); the others are UNAUTHENTICATED. */
  private <Q, R> Handler<GrpcServerRequest<Q, R>> authorized(Handler<GrpcServerRequest<Q, R>> call) {
    return req -> {
      if (Auth.check(config.get().auth(), req.headers().get("authorization"))) {
        call.handle(req);
      } else {
        req.response().status(GrpcStatus.UNAUTHENTICATED).statusMessage("missing or invalid token").end();
      }
    };
  }

  // ---- StreamFileScan ----

  private void onScan(GrpcServerRequest<FileScanRequest, FileScanChunk> req) {
    GrpcServerResponse<FileScanRequest, FileScanChunk> resp = req.response();
    int chunkSize = Math.max(1, config.get().sync().grpcChunkSize());
    String[] known = {""};
    req.last().recover(GrpcEndpointVerticle::badRequestMessage)
        .compose(r -> {
          known[0] = r.getKnownDigest();
          return master.scan(new ScanRequest(r.getSpiderId(), r.getPath(), "grpc"));
        })
        .compose(reply -> {
          Manifest m = reply.manifest();
          if (!known[0].isEmpty() && known[0].equals(m.digest())) {
            // the worker holds this manifest already: one small chunk, no list (and nothing to gzip)
            return resp.end(ProtoMapping.withSkipped(ProtoMapping.chunk(0, m.total(), m.digest(), true), m)
                .setUnchanged(true).build());
          }
          boolean gzip = resp.acceptedEncodings().contains("gzip");
          if (gzip) {
            resp.encoding("gzip");
          }
          Promise<Void> done = Promise.promise();
          writeChunks(resp, manifests.of(m, chunkSize, gzip), 0, done);
          return done.future();
        })
        .onFailure(err -> fail(resp, err));
  }

  /** Writes chunks from {@code from} on, pausing while the window is full (an empty manifest: one chunk). */
  private void writeChunks(GrpcServerResponse<?, FileScanChunk> resp, ManifestChunks.Encoded m, int from,
      Promise<Void> done) {
    for (int i = from; i < m.count(); i++) {
      if (i == m.count() - 1) {
        resp.endMessage(manifests.chunk(m, i)).onComplete(done);
        return;
      }
      resp.writeMessage(manifests.chunk(m, i));
      if (resp.writeQueueFull()) {
        int next = i + 1;
        resp.drainHandler(v -> writeChunks(resp, m, next, done));
        return;
      }
    }
  }

  /** A request message that cannot be decoded, or none at all, is the client's fault. */
  static <T> Future<T> badRequestMessage(Throwable err) {
    return Future.failedFuture(ScanException.invalid("malformed or missing request message"));
  }

  void fail(GrpcServerResponse<?, ?> resp, Throwable err) {
    if (cancelled(err)) {
      // the client reset the stream or went away (Ctrl-C, a timeout): routine, and nobody to tell
      LOG.debug("gRPC call cancelled by the client: {}", err.toString());
      return;
    }
    GrpcStatus status;
    String message = err.getMessage();
    if (err instanceof ScanException se) {
      status = status(se.kind());
    } else if (err instanceof ReplyException re) { // the master answered nothing (MasterService)
      status = GrpcStatus.UNAVAILABLE;
      message = "scan timed out or no scanner: " + re.getMessage();
    } else {
      status = GrpcStatus.INTERNAL;
      message = UnexpectedFailure.describe(err);
      LOG.warn("gRPC call failed", err);
    }
    try {
      resp.status(status).statusMessage(message == null ? status.name() : message).end();
    } catch (IllegalStateException alreadyEnded) {
      // the client went away or the stream already ended; nothing left to tell
    }
  }

  /** Whether {@code err} only says that the client reset the stream or closed the connection. */
  static boolean cancelled(Throwable err) {
    return err instanceof io.vertx.core.http.StreamResetException
        || err instanceof io.vertx.core.http.HttpClosedException
        || err instanceof java.nio.channels.ClosedChannelException
        || err instanceof io.netty.handler.codec.http2.Http2Exception.StreamException
        || err instanceof io.vertx.core.VertxException && "Connection was closed".equals(err.getMessage())
        || err instanceof java.io.IOException && String.valueOf(err.getMessage()).startsWith("Connection reset");
  }

  private static GrpcStatus status(ScanException.Kind kind) {
    return switch (kind) {
      case INVALID_ARGUMENT -> GrpcStatus.INVALID_ARGUMENT;
      case NOT_FOUND -> GrpcStatus.NOT_FOUND;
      default -> GrpcStatus.INTERNAL;
    };
  }
}
