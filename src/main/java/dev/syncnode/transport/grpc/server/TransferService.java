package dev.syncnode.transport.grpc.server;

import dev.syncnode.config.ConfigHolder;
import dev.syncnode.config.NodeConfig;
import dev.syncnode.delta.BlockIndex;
import dev.syncnode.master.MasterService;
import dev.syncnode.master.content.PieceReader;
import dev.syncnode.master.scan.ScanException;
import dev.syncnode.metrics.SyncMetrics;
import dev.syncnode.piece.PieceCodec;
import dev.syncnode.proto.BlockHashesChunk;
import dev.syncnode.proto.BlockHashesRequest;
import dev.syncnode.proto.FileData;
import dev.syncnode.proto.FileDownloadChunk;
import dev.syncnode.proto.FileDownloadRequest;
import dev.syncnode.proto.FilesRequest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.grpc.common.GrpcMessage;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.GrpcServerRequest;
import io.vertx.grpc.server.GrpcServerResponse;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The master's transfer calls, translated to {@link MasterService}: {@code StreamFileDownload} (whole
 * file or a byte range) and {@code StreamFiles} (many files in one stream), both optionally compressed
 * with the codec {@link PieceCodec#negotiate negotiated} per request, and {@code StreamBlockHashes}.
 * What stays here is the wire's own policy: stream and per-client admission, the send budget, and
 * rounds of pieces read on worker threads and written while the client's flow-control window has
 * room. Authorization is checked by the caller.
 */
final class TransferService {
  /** Blocks per {@code BlockHashesChunk}. */
  static final int BLOCKS_PER_CHUNK = 16 * 1024;
  /** Block-hash calls in flight from one client address. */
  static final int MAX_HASH_CALLS_PER_CLIENT = 4;

  private final Vertx vertx;
  private final ConfigHolder config;
  private final SyncMetrics metrics;
  private final BiConsumer<GrpcServerResponse<?, ?>, Throwable> fail;
  private final MasterService master;
  private final SendBudget budget;
  /** Download streams being served now, in total and per client address. */
  private final ClientSlots streams = new ClientSlots();
  private final ClientSlots hashCalls = new ClientSlots();
  /**
   * Until when (nanoTime) streams count as contended because one was refused for want of a slot in
   * total: stalled streams then lose their slot after {@link StreamPump#CONTENDED_STALL_MS}.
   */
  private long slotsContendedUntil = System.nanoTime();

  TransferService(Vertx vertx, MasterService master, ConfigHolder config, SyncMetrics metrics,
      BiConsumer<GrpcServerResponse<?, ?>, Throwable> fail) {
    this.vertx = vertx;
    this.master = master;
    this.config = config;
    this.metrics = metrics;
    this.fail = fail;
    this.budget = new SendBudget(() -> Math.min(config.get().sync().grpc().sendBudget(), SendBudget.HEAP_SHARE));
  }

  /** The shared budget of read-but-unsent bytes (gauges and tests). */
  SendBudget budget() {
    return budget;
  }

  /** Download streams being served now. */
  int streams() {
    return streams.total();
  }

  /**
   * Admits one more download stream, or answers RESOURCE_EXHAUSTED when {@code sync.grpc.maxStreams}
   * are being served, or {@code sync.grpc.maxStreamsPerClient} for the same client address (so one
   * client cannot take every stream); an admitted stream is counted until {@code work} completes.
   */
  private void admit(GrpcServerRequest<?, ?> req, GrpcServerResponse<?, ?> resp, Supplier<Future<Void>> work) {
    NodeConfig.GrpcLimits limits = config.get().sync().grpc();
    String client = ClientSlots.clientOf(req);
    int total = streams.total();
    int fromClient = streams.of(client);
    if (total >= limits.maxStreams() || !streams.enter(client, limits.maxStreamsPerClient())) {
      if (total >= limits.maxStreams()) {
        slotsContendedUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2 * StreamPump.CONTENDED_STALL_MS);
      }
      resp.status(GrpcStatus.RESOURCE_EXHAUSTED).statusMessage("too many download streams (" + total + " of "
          + limits.maxStreams() + ", " + fromClient + " of " + limits.maxStreamsPerClient() + " from " + client
          + "); retry later").end();
      return;
    }
    work.get()
        .onComplete(ar -> streams.leave(client))
        .onFailure(err -> {
          if (!(err instanceof StreamPump.StalledStreamException)) {
            fail.accept(resp, err);
          }
        });
  }

  // ---- StreamFileDownload ----

  void download(GrpcServerRequest<FileDownloadRequest, FileDownloadChunk> req) {
    GrpcServerResponse<FileDownloadRequest, FileDownloadChunk> resp = req.response();
    admit(req, resp, () -> req.last().recover(GrpcEndpointVerticle::badRequestMessage)
        .compose(r -> master.pieces(new MasterService.PieceRequest(r.getSpiderId(), List.of(r.getPath()),
            r.getOffset(), r.getLength(), PieceCodec.negotiate(r.getAcceptZstd(), r.getAcceptDeflate()))))
        .compose(reader -> pump(resp, reader, PieceFrames::downloadChunk)));
  }

  // ---- StreamFiles ----

  void files(GrpcServerRequest<FilesRequest, FileData> req) {
    GrpcServerResponse<FilesRequest, FileData> resp = req.response();
    admit(req, resp, () -> req.last().recover(GrpcEndpointVerticle::badRequestMessage)
        .compose(r -> master.pieces(new MasterService.PieceRequest(r.getSpiderId(), List.copyOf(r.getPathsList()),
            0, 0, PieceCodec.negotiate(r.getAcceptZstd(), r.getAcceptDeflate()))))
        .compose(reader -> pump(resp, reader, PieceFrames::fileData)));
  }

  /** Whether other streams wait for budget or one was refused a slot a moment ago. */
  private boolean contended() {
    return budget.waiting() > 0 || System.nanoTime() - slotsContendedUntil < 0;
  }

  /** Writes rounds of pieces until the reader is done, waiting for the stream to drain between rounds. */
  private Future<Void> pump(GrpcServerResponse<?, ?> resp, PieceReader reader,
      Function<PieceReader.Piece, GrpcMessage> toMessage) {
    return new StreamPump(vertx, budget, metrics, () -> config.get().sync().grpc().stallTimeout().toMillis(),
        this::contended, master::served, resp, reader, toMessage).start();
  }

  // ---- StreamBlockHashes ----

  void blockHashes(GrpcServerRequest<BlockHashesRequest, BlockHashesChunk> req) {
    GrpcServerResponse<BlockHashesRequest, BlockHashesChunk> resp = req.response();
    String client = ClientSlots.clientOf(req);
    if (!hashCalls.enter(client, MAX_HASH_CALLS_PER_CLIENT)) {
      resp.status(GrpcStatus.RESOURCE_EXHAUSTED).statusMessage("too many block-hash requests from " + client
          + " (at most " + MAX_HASH_CALLS_PER_CLIENT + " at once); retry later").end();
      return;
    }
    // set when the client resets or drops the stream, so a queued computation for it is skipped
    AtomicBoolean gone = new AtomicBoolean();
    resp.exceptionHandler(err -> gone.set(true));
    req.last().recover(GrpcEndpointVerticle::badRequestMessage)
        .compose(r -> master.blockHashes(new MasterService.BlockHashRequest(r.getSpiderId(), r.getPath(), gone::get))
            .compose(idx -> sendHashes(resp, idx, r.getGroupsList())))
        .onComplete(ar -> hashCalls.leave(client))
        .onFailure(err -> {
          if (!gone.get()) { // a caller that joined a skipped computation still gets an answer
            fail.accept(resp, err);
          }
        });
  }

  private Future<Void> sendHashes(GrpcServerResponse<?, BlockHashesChunk> resp, BlockIndex idx, List<Integer> groups) {
    BlockHashesChunk.Builder head = BlockHashesChunk.newBuilder()
        .setFileSize(idx.fileSize())
        .setFileHash(idx.fileHash())
        .setBlockSize(idx.blockSize())
        .setGroupSize(idx.groupSize());
    if (groups.isEmpty()) {
      BlockHashesChunk.Builder c = head.clone().setLast(true);
      for (int g = 0; g < idx.groupCount(); g++) {
        c.addGroupHashes(idx.groupHash(g));
      }
      BlockHashesChunk msg = c.build();
      metrics.bytesSent("grpc", msg.getSerializedSize());
      return resp.end(msg);
    }
    int prev = -1;
    for (int g : groups) {
      if (g <= prev || g >= idx.groupCount()) {
        return Future.failedFuture(ScanException.invalid("groups must be ascending and below " + idx.groupCount()));
      }
      prev = g;
    }
    int perChunk = Math.max(1, BLOCKS_PER_CHUNK / idx.groupSize());
    for (int i = 0; i < groups.size(); i += perChunk) {
      BlockHashesChunk.Builder c = head.clone();
      List<Integer> part = groups.subList(i, Math.min(groups.size(), i + perChunk));
      for (int g : part) {
        c.addGroups(g);
        int endBlock = Math.min(idx.blockCount(), (g + 1) * idx.groupSize());
        for (int b = g * idx.groupSize(); b < endBlock; b++) {
          c.addBlockStrong(idx.strong(b));
          c.addBlockWeak(idx.weak(b));
        }
      }
      boolean last = i + perChunk >= groups.size();
      BlockHashesChunk msg = c.setLast(last).build();
      metrics.bytesSent("grpc", msg.getSerializedSize());
      if (last) {
        return resp.end(msg);
      }
      resp.write(msg);
    }
    return resp.end();
  }
}
