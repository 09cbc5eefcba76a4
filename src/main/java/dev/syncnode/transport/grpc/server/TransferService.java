package dev.syncnode.transport.grpc.server;

import com.google.protobuf.UnsafeByteOperations;
import dev.syncnode.config.ConfigHolder;
import dev.syncnode.config.NodeConfig;
import dev.syncnode.delta.BlockIndex;
import dev.syncnode.manifest.IgnoreRules;
import dev.syncnode.master.SpiderFiles;
import dev.syncnode.master.SpiderPaths;
import dev.syncnode.master.content.BlockIndexCache;
import dev.syncnode.master.content.HashQueue;
import dev.syncnode.master.content.PieceCache;
import dev.syncnode.master.content.PieceReader;
import dev.syncnode.master.scan.ScanException;
import dev.syncnode.metrics.SyncMetrics;
import dev.syncnode.piece.PieceCodec.Codec;
import dev.syncnode.piece.PieceCodec;
import dev.syncnode.proto.BlockHashesChunk;
import dev.syncnode.proto.BlockHashesRequest;
import dev.syncnode.proto.Compression;
import dev.syncnode.proto.FileData;
import dev.syncnode.proto.FileDownloadChunk;
import dev.syncnode.proto.FileDownloadRequest;
import dev.syncnode.proto.FilesRequest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.GrpcServerRequest;
import io.vertx.grpc.server.GrpcServerResponse;
import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The master's transfer calls: {@code StreamFileDownload} (whole file or a byte range) and
 * {@code StreamFiles} (many files in one stream), both optionally compressed with the codec
 * {@link PieceCodec#negotiate negotiated} per request, and {@code StreamBlockHashes} (block hashes
 * for delta transfer, computed off the event loop, a bounded number at once, and cached). All file reads, compression and
 * hashing run on worker threads a bounded round at a time; the event loop only writes messages,
 * pausing while the client's flow-control window is full. Authorization is checked by the caller.
 */
final class TransferService {
  /** Most paths in one {@code StreamFiles} request. */
  static final int MAX_FILES = 4096;
  /** Blocks per {@code BlockHashesChunk}. */
  static final int BLOCKS_PER_CHUNK = 16 * 1024;
  private static final long PIECE_CACHE_BYTES = 64L * 1024 * 1024;
  private static final long INDEX_CACHE_BYTES = 64L * 1024 * 1024;

  private final Vertx vertx;
  private final ConfigHolder config;
  private final SyncMetrics metrics;
  private final BiConsumer<GrpcServerResponse<?, ?>, Throwable> fail;
  private final PieceCache pieces = new PieceCache(PIECE_CACHE_BYTES);
  private final BlockIndexCache indexes = new BlockIndexCache(INDEX_CACHE_BYTES);
  private final SendBudget budget;
  private final HashQueue hashQueue = new HashQueue();
  /** Download streams being served now (counted against {@code sync.grpc.maxStreams}). */
  private int streams;
  /** The same, per client address (counted against {@code sync.grpc.maxStreamsPerClient}). */
  private final java.util.Map<String, Integer> streamsPerClient = new java.util.HashMap<>();
  /**
   * Until when (nanoTime) streams count as contended because one was refused for want of a slot in
   * total: stalled streams then lose their slot after {@link StreamPump#CONTENDED_STALL_MS}.
   */
  private long slotsContendedUntil = System.nanoTime();
  /** Block-index computations running now on worker threads, and the most ever at once (tests). */
  private final AtomicInteger hashing = new AtomicInteger();
  private final AtomicInteger hashingPeak = new AtomicInteger();

  TransferService(Vertx vertx, ConfigHolder config, SyncMetrics metrics,
      BiConsumer<GrpcServerResponse<?, ?>, Throwable> fail) {
    this.vertx = vertx;
    this.config = config;
    this.metrics = metrics;
    this.fail = fail;
    this.budget = new SendBudget(() -> config.get().sync().grpc().sendBudget());
  }

  /** The shared budget of read-but-unsent bytes (gauges and tests). */
  SendBudget budget() {
    return budget;
  }

  /** The most block-index computations that ever ran at once. */
  int hashingPeak() {
    return hashingPeak.get();
  }

  /** Download streams being served now. */
  int streams() {
    return streams;
  }

  /**
   * Admits one more download stream, or answers RESOURCE_EXHAUSTED when {@code sync.grpc.maxStreams}
   * are being served, or {@code sync.grpc.maxStreamsPerClient} for the same client address (so one
   * client cannot take every stream); an admitted stream is counted until {@code work} completes.
   */
  private void admit(GrpcServerRequest<?, ?> req, GrpcServerResponse<?, ?> resp, Supplier<Future<Void>> work) {
    NodeConfig.GrpcLimits limits = config.get().sync().grpc();
    String client = clientOf(req);
    int fromClient = streamsPerClient.getOrDefault(client, 0);
    if (streams >= limits.maxStreams() || fromClient >= limits.maxStreamsPerClient()) {
      if (streams >= limits.maxStreams()) {
        slotsContendedUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2 * StreamPump.CONTENDED_STALL_MS);
      }
      resp.status(GrpcStatus.RESOURCE_EXHAUSTED).statusMessage("too many download streams (" + streams + " of "
          + limits.maxStreams() + ", " + fromClient + " of " + limits.maxStreamsPerClient() + " from " + client
          + "); retry later").end();
      return;
    }
    streams++;
    streamsPerClient.merge(client, 1, Integer::sum);
    work.get()
        .onComplete(ar -> {
          streams--;
          streamsPerClient.computeIfPresent(client, (k, n) -> n <= 1 ? null : n - 1);
        })
        .onFailure(err -> {
          if (!(err instanceof StreamPump.StalledStreamException)) {
            fail.accept(resp, err);
          }
        });
  }

  private static String clientOf(GrpcServerRequest<?, ?> req) {
    return req.connection() == null || req.connection().remoteAddress() == null ? "?"
        : String.valueOf(req.connection().remoteAddress().host());
  }

  private SpiderPaths paths() {
    return new SpiderPaths(Path.of(config.get().node().workspace()));
  }

  private IgnoreRules ignore() {
    return IgnoreRules.of(config.get().sync().ignore());
  }

  // ---- StreamFileDownload ----

  void download(GrpcServerRequest<FileDownloadRequest, FileDownloadChunk> req) {
    GrpcServerResponse<FileDownloadRequest, FileDownloadChunk> resp = req.response();
    SpiderPaths paths = paths();
    IgnoreRules ignore = ignore();
    admit(req, resp, () -> req.last().recover(GrpcEndpointVerticle::badRequestMessage)
        .compose(r -> {
          if (r.getOffset() < 0 || r.getLength() < 0) {
            return Future.failedFuture(ScanException.invalid("negative offset or length"));
          }
          PieceReader reader = new PieceReader(paths, ignore, r.getSpiderId(), List.of(r.getPath()), r.getOffset(),
              r.getLength(), PieceCodec.negotiate(r.getAcceptZstd(), r.getAcceptDeflate()), pieces);
          return pump(resp, reader, p -> FileDownloadChunk.newBuilder()
              .setData(UnsafeByteOperations.unsafeWrap(p.data()))
              .setOffset(p.offset())
              .setSize(p.fileSize())
              .setCompression(wire(p.codec()))
              .setRawSize(p.rawSize())
              .build());
        }));
  }

  // ---- StreamFiles ----

  void files(GrpcServerRequest<FilesRequest, FileData> req) {
    GrpcServerResponse<FilesRequest, FileData> resp = req.response();
    SpiderPaths paths = paths();
    IgnoreRules ignore = ignore();
    admit(req, resp, () -> req.last().recover(GrpcEndpointVerticle::badRequestMessage)
        .compose(r -> {
          if (r.getPathsCount() > MAX_FILES) {
            return Future.failedFuture(ScanException.invalid("too many paths in one request: " + r.getPathsCount()
                + " (at most " + MAX_FILES + ")"));
          }
          PieceReader reader = new PieceReader(paths, ignore, r.getSpiderId(), List.copyOf(r.getPathsList()), 0, 0,
              PieceCodec.negotiate(r.getAcceptZstd(), r.getAcceptDeflate()), pieces);
          return pump(resp, reader, p -> FileData.newBuilder()
              .setIndex(p.index())
              .setOffset(p.offset())
              .setData(UnsafeByteOperations.unsafeWrap(p.data()))
              .setCompression(wire(p.codec()))
              .setRawSize(p.rawSize())
              .setSize(p.fileSize())
              .setEof(p.eof())
              .build());
        }));
  }

  private static Compression wire(Codec codec) {
    return switch (codec) {
      case NONE -> Compression.NONE;
      case DEFLATE -> Compression.DEFLATE;
      case ZSTD -> Compression.ZSTD;
    };
  }

  /** Whether other streams wait for budget or one was refused a slot a moment ago. */
  private boolean contended() {
    return budget.waiting() > 0 || System.nanoTime() - slotsContendedUntil < 0;
  }

  /** Writes rounds of pieces until the reader is done, waiting for the stream to drain between rounds. */
  private <T> Future<Void> pump(GrpcServerResponse<?, T> resp, PieceReader reader,
      Function<PieceReader.Piece, T> toMessage) {
    return new StreamPump<>(vertx, budget, metrics, () -> config.get().sync().grpc().stallTimeout().toMillis(),
        this::contended, resp, reader, toMessage).start();
  }

  // ---- StreamBlockHashes ----

  void blockHashes(GrpcServerRequest<BlockHashesRequest, BlockHashesChunk> req) {
    GrpcServerResponse<BlockHashesRequest, BlockHashesChunk> resp = req.response();
    SpiderPaths paths = paths();
    IgnoreRules ignore = ignore();
    String client = clientOf(req);
    if (!hashQueue.enter(client)) {
      resp.status(GrpcStatus.RESOURCE_EXHAUSTED).statusMessage("too many block-hash requests from " + client
          + " (at most " + HashQueue.MAX_PER_CLIENT + " at once); retry later").end();
      return;
    }
    // set when the client resets or drops the stream, so a queued computation for it is skipped
    boolean[] gone = {false};
    resp.exceptionHandler(err -> gone[0] = true);
    req.last().recover(GrpcEndpointVerticle::badRequestMessage)
        .compose(r -> vertx.executeBlocking(() -> openChecked(paths, ignore, r.getSpiderId(), r.getPath()), false)
            .compose(file -> index(file, () -> gone[0]).onComplete(ar -> closeQuietly(file)))
            .compose(idx -> sendHashes(resp, idx, r.getGroupsList())))
        .onComplete(ar -> hashQueue.leave(client))
        .onFailure(err -> {
          if (!gone[0]) { // a caller that joined a skipped computation still gets an answer
            fail.accept(resp, err);
          }
        });
  }

  /** Blocking: the file opened once and checked; it is identified, measured and hashed from that descriptor. */
  private static SpiderFiles.OpenFile openChecked(SpiderPaths paths, IgnoreRules ignore, String spiderId, String path)
      throws IOException {
    try (SpiderFiles spider = new SpiderFiles(paths, spiderId, ignore)) {
      return spider.open(path);
    }
  }

  /** The cached index of the open file's version, or one computed from it (the file stays open until then). */
  private Future<BlockIndex> index(SpiderFiles.OpenFile file, java.util.function.BooleanSupplier gone) {
    BlockIndexCache.Key key = identity(file.path(), file.attributes());
    return indexes.get(key,
        () -> hashQueue.submit(gone, () -> vertx.executeBlocking(() -> computeCounted(file, key.size()), false)),
        () -> vertx.executeBlocking(() -> identity(file.path(), file.current()).equals(key), false));
  }

  /** Blocking: hashes the file, counted in {@link #hashingPeak()}. */
  private BlockIndex computeCounted(SpiderFiles.OpenFile file, long size) throws IOException {
    hashingPeak.accumulateAndGet(hashing.incrementAndGet(), Math::max);
    try {
      return BlockIndex.compute(file.channel(), size, true);
    } finally {
      hashing.decrementAndGet();
    }
  }

  private static BlockIndexCache.Key identity(Path real, BasicFileAttributes a) {
    return new BlockIndexCache.Key(real.toString(), a.size(), a.lastModifiedTime().to(TimeUnit.NANOSECONDS));
  }

  private static void closeQuietly(SpiderFiles.OpenFile file) {
    try {
      file.close();
    } catch (IOException ignored) {
      // read-only
    }
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
