package dev.syncnode.transport;

import dev.syncnode.delta.BlockHashes;
import dev.syncnode.piece.FilePiece;
import io.vertx.core.Future;
import io.vertx.core.streams.WriteStream;
import java.util.List;

/**
 * The efficient transfer operations a transport may offer besides {@link SyncSource}: many files in
 * one stream, byte ranges of one file, and block hashes for delta transfer. Pieces are written to
 * the sink with back-pressure (the transport pauses while {@code sink.writeQueueFull()}); the sink is
 * not ended. Failures are {@link TransportException}s.
 */
public interface TransferSource {
  /**
   * Streams {@code paths} (pieces tagged with each path's index); with {@code compress}, the master may
   * compress pieces with any codec the worker can decompress.
   */
  Future<Void> files(String spiderId, List<String> paths, boolean compress, WriteStream<FilePiece> sink);

  /**
   * Streams {@code length} bytes of {@code path} from {@code offset} (length 0: to the end). Fails if
   * the master's file size is not {@code expectedFileSize}. {@code compress} as for {@link #files}.
   */
  Future<Void> range(String spiderId, String path, long offset, long length, long expectedFileSize,
      boolean compress, WriteStream<FilePiece> sink);

  /** Group hashes ({@code groups} null or empty) or the block hashes of {@code groups}. */
  Future<BlockHashes> blockHashes(String spiderId, String path, int[] groups);
}
