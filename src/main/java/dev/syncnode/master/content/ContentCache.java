package dev.syncnode.master.content;

import dev.syncnode.delta.BlockIndex;
import dev.syncnode.fs.FileIdentity;
import dev.syncnode.fs.Memo;
import dev.syncnode.piece.PieceCodec.Codec;
import io.vertx.core.Future;
import java.io.IOException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The master's one cache of what is derived from file content, keyed by {@link FileIdentity} (and,
 * for whole small files, by their SHA-256, bounded like the pieces: so three byte bounds in all):
 * whole-file SHA-256 (download ETags, at most {@link #MAX_HASHES}), block indexes (delta transfer,
 * bounded by the memory they hold) and compressed pieces with "does not compress" verdicts, per
 * codec (a piece is only ever served in the codec it was compressed with; bounded by bytes). Each
 * is computed once for many concurrent requests ({@link Memo}); a file that changed while it was read
 * is {@link #forget forgotten}, and a changed file has another identity anyway.
 */
public final class ContentCache {
  static final int MAX_HASHES = 4096;
  /** Compressed pieces and block indexes each hold at most this much, less on a small heap ({@link #budget}). */
  static final long MAX_BYTES = 64L * 1024 * 1024;
  /** Marker: this piece (or, at offset -1, this file) does not compress with the key's codec. */
  static final byte[] RAW = new byte[0];
  /** Bookkeeping counted per cached piece beside its bytes. */
  private static final long PIECE_OVERHEAD = 96;

  /** A piece of one file version, or at offset -1 its verdict, in one codec. */
  record PieceKey(FileIdentity file, long offset, int length, Codec codec) {}

  /** A whole small file by its content: its SHA-256 (hex), in one codec. */
  record ContentKey(String sha256, Codec codec) {}

  /** A whole small file ready for the wire: its bytes in {@code codec} (NONE when they do not shrink). */
  record Whole(byte[] data, Codec codec) {}

  /** Blocking computation of a piece. */
  interface Compute {
    byte[] get() throws IOException;
  }

  private final Memo<FileIdentity, String> hashes = new Memo<>(MAX_HASHES, h -> 1);
  private final Memo<FileIdentity, BlockIndex> indexes;
  private final Memo<PieceKey, byte[]> pieces;
  private final Memo<ContentKey, Whole> wholes;
  /** Changes the spider watch reported, in any spider: a reader that began before one stops serving by content. */
  private final AtomicLong changes = new AtomicLong();

  public ContentCache() {
    this(budget(Runtime.getRuntime().maxMemory()), budget(Runtime.getRuntime().maxMemory()));
  }

  /** {@link #MAX_BYTES}, or an eighth of the heap when that is less: a master on a small heap keeps room to serve. */
  static long budget(long maxHeap) {
    return Math.min(MAX_BYTES, maxHeap / 8);
  }

  ContentCache(long pieceBytes, long indexBytes) {
    this.pieces = new Memo<>(pieceBytes, p -> p.length + PIECE_OVERHEAD);
    this.indexes = new Memo<>(indexBytes, BlockIndex::footprint);
    this.wholes = new Memo<>(pieceBytes, w -> w.data().length + PIECE_OVERHEAD);
  }

  /** The SHA-256 of {@code file}, kept when {@code unchanged} holds once it is computed. */
  Future<String> hash(FileIdentity file, Supplier<Future<String>> compute, Supplier<Future<Boolean>> unchanged) {
    return hashes.get(file, compute, unchanged);
  }

  /** The block index of {@code file}, kept when {@code unchanged} holds once it is computed. */
  Future<BlockIndex> index(FileIdentity file, Supplier<Future<BlockIndex>> compute,
      Supplier<Future<Boolean>> unchanged) {
    return indexes.get(file, compute, unchanged);
  }

  byte[] piece(PieceKey key) {
    return pieces.cached(key);
  }

  void put(PieceKey key, byte[] value) {
    pieces.put(key, value);
  }

  /**
   * The cached piece; or, when another thread is computing it, that thread's result (this thread
   * waits: it is a worker thread, and the wait is one piece's compression); or this thread computes
   * and caches it. Blocking.
   */
  byte[] piece(PieceKey key, Compute compute) throws IOException {
    boolean[] mine = {false};
    Future<byte[]> f = pieces.get(key, () -> {
      mine[0] = true;
      try {
        return Future.succeededFuture(compute.get());
      } catch (IOException e) {
        return Future.failedFuture(e);
      }
    });
    if (mine[0]) {
      if (f.cause() instanceof IOException io) {
        throw io;
      } else if (f.cause() instanceof Error e) {
        throw e;
      } else if (f.failed()) {
        throw (RuntimeException) f.cause();
      }
      return f.result();
    }
    try {
      return f.toCompletionStage().toCompletableFuture().join();
    } catch (CompletionException | CancellationException e) {
      return compute.get(); // the other reader failed: do it here
    }
  }

  /**
   * A small file's wire bytes by content, or null. They were cached only after the bytes read through a
   * confined descriptor hashed to the key, so a file the current manifest lists with this hash has
   * exactly this content: serving it needs no open, no stat and no read.
   */
  Whole whole(ContentKey key) {
    return wholes.cached(key);
  }

  void putWhole(ContentKey key, Whole whole) {
    wholes.put(key, whole);
  }

  /** Counts a change the spider watch saw (the manifest a running request peeked may be stale now). */
  void changed() {
    changes.incrementAndGet();
  }

  /** How many changes were seen so far: a reader compares it with the count from before its manifest. */
  long changes() {
    return changes.get();
  }

  /** Drops everything cached for this version of a file: it changed while it was read. */
  void forget(FileIdentity file) {
    pieces.forget(k -> k.file().equals(file));
    indexes.forget(file::equals);
    hashes.forget(file::equals);
  }

  /** Computations started, per kind (tests). */
  long hashesComputed() {
    return hashes.computed();
  }

  long indexesComputed() {
    return indexes.computed();
  }
}
