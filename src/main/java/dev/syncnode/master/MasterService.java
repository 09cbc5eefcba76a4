package dev.syncnode.master;

import dev.syncnode.delta.BlockIndex;
import dev.syncnode.fs.ConfinedFile;
import dev.syncnode.fs.FileIdentity;
import dev.syncnode.master.content.PieceReader;
import dev.syncnode.master.scan.ScanReply;
import dev.syncnode.master.scan.ScanRequest;
import dev.syncnode.master.scan.ServedFile;
import dev.syncnode.master.scan.ServedFiles;
import dev.syncnode.piece.PieceCodec.Codec;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * What the master does for its transports, whatever the wire: scans, the spider list, files and
 * pieces to serve, block hashes, and the "this file was just served" notice. Reached over the local
 * event bus ({@link #onEventBus}); the scan cache and the content verticle answer. Failures a client
 * caused arrive as {@link dev.syncnode.master.scan.ScanException}s with their kind; a timeout or a
 * missing verticle as the event bus's {@code ReplyException}.
 */
public interface MasterService {

  /** The spiders of the workspace, sorted. */
  record SpiderList(List<String> ids) {}

  /** One file of a spider to serve whole or in part; {@code probeGzip}: say whether gzip pays for it. */
  record FileRequest(String spiderId, String path, boolean probeGzip) {}

  /**
   * A checked open file, its version and SHA-256, and whether gzip pays for it (false unless asked).
   * The caller owns the file and closes it.
   */
  record OpenedFile(ConfinedFile file, FileIdentity identity, String sha256, boolean compressible) {
    /** Closes the file (read-only: nothing to lose when that fails). */
    public void close() {
      SpiderFiles.closeQuietly(file);
    }
  }

  /** Pieces of some files of a spider; offset and length (0: to the end) apply to the first file. */
  record PieceRequest(String spiderId, List<String> paths, long offset, long length, Codec codec) {}

  /** The block index of one file; {@code gone} says when its client went away (the work is then skipped). */
  record BlockHashRequest(String spiderId, String path, BooleanSupplier gone) {}

  /** The types carried by the requests and replies above, for {@link dev.syncnode.bus.Codecs}. */
  List<Class<?>> MESSAGE_TYPES = List.of(SpiderList.class, FileRequest.class, OpenedFile.class, PieceRequest.class,
      PieceReader.class, BlockHashRequest.class, BlockIndex.class, ScanRequest.class, ScanReply.class,
      ServedFile.class, ServedFiles.class);

  Future<ScanReply> scan(ScanRequest request);

  Future<SpiderList> spiders();

  Future<OpenedFile> open(FileRequest request);

  /**
   * A reader of the pieces: one event-bus hop per stream, not per piece; its rounds are blocking and
   * run on the caller's worker threads (see {@link PieceReader}), and the caller closes it.
   */
  Future<PieceReader> pieces(PieceRequest request);

  Future<BlockIndex> blockHashes(BlockHashRequest request);

  /** Tells the scan cache, which drops a manifest the file contradicts. Never fails. */
  default Future<Void> served(ServedFile file) {
    return served(List.of(file));
  }

  /** {@link #served(ServedFile)} for several files in one message (a download's round). Never fails. */
  Future<Void> served(List<ServedFile> files);

  /** The service over this Vert.x instance's event bus; scans time out after {@code scanTimeoutMs}. */
  static MasterService onEventBus(Vertx vertx, LongSupplier scanTimeoutMs) {
    return new EventBusMasterService(vertx, scanTimeoutMs);
  }
}
