package dev.syncnode.transport.grpc.client;

import com.google.protobuf.ByteString;
import dev.syncnode.delta.BlockHashes;
import dev.syncnode.delta.BlockIndex;
import dev.syncnode.piece.FilePiece;
import dev.syncnode.piece.PieceCodec.Codec;
import dev.syncnode.piece.PieceCodec;
import dev.syncnode.proto.BlockHashesChunk;
import dev.syncnode.proto.BlockHashesRequest;
import dev.syncnode.proto.Compression;
import dev.syncnode.proto.FileData;
import dev.syncnode.proto.FileDownloadChunk;
import dev.syncnode.proto.FileDownloadRequest;
import dev.syncnode.proto.FilesRequest;
import dev.syncnode.proto.SyncServiceGrpcClient;
import dev.syncnode.transport.TransferSource;
import dev.syncnode.transport.TransportException.Kind;
import dev.syncnode.transport.TransportException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.streams.WriteStream;
import io.vertx.grpc.client.GrpcClientResponse;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The worker's client for the transfer calls ({@code StreamFiles}, ranged {@code StreamFileDownload},
 * {@code StreamBlockHashes}). Translation and structural checks only (indexes, sizes, compression
 * fields); offsets, lengths and content are checked by the sink and by the whole-file hash. With
 * compression on, requests accept DEFLATE, and zstd too where its native library loaded; a piece in a
 * codec the request did not accept fails the call as a protocol error.
 *
 * <p>A master that predates these calls answers UNIMPLEMENTED: bulk transfers then fall back to one
 * {@code StreamFileDownload} per file (the master also ignores the new request fields and sends raw
 * whole files), and block hashes are reported unavailable so no delta is attempted again.
 */
final class GrpcTransferClient implements TransferSource {
  /** The transfer calls with answers decoded without copying their file bytes ({@link AliasingDecoder}). */
  static final ServiceMethod<FileData, FilesRequest> STREAM_FILES =
      AliasingDecoder.method(SyncServiceGrpcClient.StreamFiles, FileData.parser());
  static final ServiceMethod<FileDownloadChunk, FileDownloadRequest> STREAM_FILE_DOWNLOAD =
      AliasingDecoder.method(SyncServiceGrpcClient.StreamFileDownload, FileDownloadChunk.parser());

  private volatile boolean filesSupported = true;
  private volatile boolean hashesSupported = true;

  private final GrpcCalls calls;
  private final String nodeKey;
  private final Duration timeout;

  GrpcTransferClient(GrpcCalls calls, String nodeKey, Duration timeout) {
    this.calls = calls;
    this.nodeKey = nodeKey;
    this.timeout = timeout;
  }

  @Override
  public Future<Void> files(String spiderId, List<String> paths, boolean compress, WriteStream<FilePiece> sink) {
    if (!filesSupported) {
      return oneByOne(spiderId, paths, compress, sink, 0);
    }
    FilesRequest request = FilesRequest.newBuilder().setSpiderId(spiderId).addAllPaths(paths).setNodeKey(nodeKey)
        .setAcceptDeflate(compress).setAcceptZstd(acceptZstd(compress)).build();
    int count = paths.size();
    return calls.call(STREAM_FILES, request, timeout,
        "download of " + count + " files of " + spiderId, resp -> GrpcCalls.receive(resp, sink, true, (FileData d) -> {
          if (d.getIndex() < 0 || d.getIndex() >= count) {
            throw new TransportException(Kind.PROTOCOL, "piece for file #" + d.getIndex() + " of " + count);
          }
          return piece(d.getIndex(), d.getOffset(), d.getData(), codec(d.getCompression(), compress),
              d.getRawSize(), d.getSize(), d.getEof());
        }))
        .recover(err -> {
          if (err instanceof GrpcFailures.Unimplemented) {
            filesSupported = false;
            return oneByOne(spiderId, paths, compress, sink, 0);
          }
          return Future.failedFuture(err);
        });
  }

  /** The bulk call emulated with one whole-file download after another (for masters without StreamFiles). */
  private Future<Void> oneByOne(String spiderId, List<String> paths, boolean compress,
      WriteStream<FilePiece> sink, int i) {
    if (i >= paths.size()) {
      return Future.succeededFuture();
    }
    String path = paths.get(i);
    FileDownloadRequest request = FileDownloadRequest.newBuilder().setSpiderId(spiderId).setPath(path)
        .setAcceptDeflate(compress).setAcceptZstd(acceptZstd(compress)).setNodeKey(nodeKey).build();
    return calls.call(STREAM_FILE_DOWNLOAD, request, timeout,
        "download of " + spiderId + "/" + path,
        resp -> GrpcCalls.receive(resp, sink, true, (FileDownloadChunk c) -> piece(i, c, compress, c.getSize())))
        .compose(v -> oneByOne(spiderId, paths, compress, sink, i + 1));
  }

  @Override
  public Future<Void> range(String spiderId, String path, long offset, long length, long expectedFileSize,
      boolean compress, WriteStream<FilePiece> sink) {
    FileDownloadRequest request = FileDownloadRequest.newBuilder().setSpiderId(spiderId).setPath(path)
        .setOffset(offset).setLength(length).setAcceptDeflate(compress).setAcceptZstd(acceptZstd(compress))
        .setNodeKey(nodeKey).build();
    long end = length > 0 ? offset + length : expectedFileSize;
    return calls.call(STREAM_FILE_DOWNLOAD, request, timeout,
        "download of " + spiderId + "/" + path, resp -> GrpcCalls.receive(resp, sink, true, (FileDownloadChunk c) -> {
          if (c.getSize() != expectedFileSize) {
            throw new TransportException(Kind.INTEGRITY, "master has " + path + " with " + c.getSize()
                + " bytes, the manifest says " + expectedFileSize);
          }
          return piece(0, c, compress, end);
        }));
  }

  /** Whether a request asks for zstd: with compression on, where zstd is available. */
  private static boolean acceptZstd(boolean compress) {
    return compress && PieceCodec.zstdAvailable();
  }

  /** The codec of a piece, if the request ({@code compress}) accepted it. */
  private static Codec codec(Compression compression, boolean compress) {
    Codec codec = switch (compression) {
      case NONE -> Codec.NONE;
      case DEFLATE -> Codec.DEFLATE;
      case ZSTD -> Codec.ZSTD;
      default -> throw new TransportException(Kind.PROTOCOL, "unknown compression " + compression);
    };
    boolean accepted = codec == Codec.NONE || codec == Codec.DEFLATE && compress
        || codec == Codec.ZSTD && acceptZstd(compress);
    if (!accepted) {
      throw new TransportException(Kind.PROTOCOL, "piece compressed with " + compression + ", which was not asked for");
    }
    return codec;
  }

  /** A piece of a {@code StreamFileDownload} answer, as file {@code index}; the one that reaches {@code end} is the last. */
  private static FilePiece piece(int index, FileDownloadChunk c, boolean compress, long end) {
    Codec codec = codec(c.getCompression(), compress);
    int raw = codec == Codec.NONE ? c.getData().size() : c.getRawSize();
    return piece(index, c.getOffset(), c.getData(), codec, raw, c.getSize(), c.getOffset() + raw >= end);
  }

  private static FilePiece piece(int index, long offset, ByteString data, Codec codec, int rawSize,
      long fileSize, boolean eof) {
    if (codec == Codec.NONE) {
      rawSize = data.size();
    }
    if (rawSize < 0 || rawSize > PieceCodec.MAX_RAW_PIECE || offset < 0 || fileSize < 0) {
      throw new TransportException(Kind.PROTOCOL, "piece out of range (offset " + offset + ", size " + rawSize + ")");
    }
    // a view of the message's bytes: no copy
    return new FilePiece(index, offset, data.asReadOnlyByteBuffer(), codec, rawSize, fileSize, eof);
  }

  @Override
  public Future<BlockHashes> blockHashes(String spiderId, String path, int[] groups) {
    if (!hashesSupported) {
      return Future.failedFuture(new TransportException(Kind.PROTOCOL, "the master offers no block hashes"));
    }
    BlockHashesRequest.Builder b = BlockHashesRequest.newBuilder().setSpiderId(spiderId).setPath(path)
        .setNodeKey(nodeKey);
    if (groups != null) {
      for (int g : groups) {
        b.addGroups(g);
      }
    }
    BlockHashesRequest request = b.build();
    return calls.call(SyncServiceGrpcClient.StreamBlockHashes, request, timeout,
        "block hashes of " + spiderId + "/" + path, GrpcTransferClient::collect)
        .recover(err -> {
          if (err instanceof GrpcFailures.Unimplemented) {
            hashesSupported = false;
            return Future.failedFuture(new TransportException(Kind.PROTOCOL, "the master offers no block hashes"));
          }
          return Future.failedFuture(err);
        });
  }

  private static Future<BlockHashes> collect(GrpcClientResponse<BlockHashesRequest, BlockHashesChunk> resp) {
    if (resp.status() != null && resp.status() != GrpcStatus.OK) {
      return Future.failedFuture(GrpcFailures.status(resp, true));
    }
    Promise<BlockHashes> result = Promise.promise();
    List<BlockHashesChunk> chunks = new ArrayList<>();
    long[] wire = {0};
    resp.handler(c -> {
      chunks.add(c);
      wire[0] += c.getSerializedSize();
    });
    resp.end().onComplete(ar -> {
      if (ar.failed()) {
        result.tryFail(GrpcFailures.end(resp, ar.cause(), true));
        return;
      }
      try {
        result.tryComplete(merge(chunks, wire[0]));
      } catch (TransportException e) {
        result.tryFail(e);
      }
    });
    return result.future();
  }

  static BlockHashes merge(List<BlockHashesChunk> chunks, long wireBytes) {
    if (chunks.isEmpty() || !chunks.get(chunks.size() - 1).getLast()) {
      throw new TransportException(Kind.PROTOCOL, "block hashes ended without their last chunk");
    }
    BlockHashesChunk head = chunks.get(0);
    long size = head.getFileSize();
    int bs = head.getBlockSize();
    int gs = head.getGroupSize();
    if (size < 0 || bs <= 0 || bs > BlockIndex.MAX_BLOCK_SIZE || gs <= 0 || gs > 65536
        || BlockIndex.blockCount(size, bs) > 64L * BlockIndex.MAX_BLOCKS) {
      throw new TransportException(Kind.PROTOCOL, "implausible block geometry " + bs + "/" + gs + " for " + size);
    }
    List<Long> groupHashes = new ArrayList<>();
    List<Integer> groups = new ArrayList<>();
    List<Long> strong = new ArrayList<>();
    List<Integer> weak = new ArrayList<>();
    for (BlockHashesChunk c : chunks) {
      if (c.getFileSize() != size || c.getBlockSize() != bs || c.getGroupSize() != gs
          || !c.getFileHash().equals(head.getFileHash())) {
        throw new TransportException(Kind.PROTOCOL, "block hash chunks disagree");
      }
      groupHashes.addAll(c.getGroupHashesList());
      groups.addAll(c.getGroupsList());
      strong.addAll(c.getBlockStrongList());
      weak.addAll(c.getBlockWeakList());
    }
    if (strong.size() != weak.size()) {
      throw new TransportException(Kind.PROTOCOL, "strong and weak block hashes differ in number");
    }
    return new BlockHashes(size, head.getFileHash(), bs, gs,
        groupHashes.stream().mapToLong(Long::longValue).toArray(),
        groups.stream().mapToInt(Integer::intValue).toArray(),
        strong.stream().mapToLong(Long::longValue).toArray(),
        weak.stream().mapToInt(Integer::intValue).toArray(), wireBytes);
  }
}
