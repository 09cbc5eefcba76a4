package dev.syncnode.master.content;

import dev.syncnode.fs.ConfinedFile;
import dev.syncnode.fs.FileHasher;
import dev.syncnode.fs.FileIdentity;
import dev.syncnode.manifest.FileEntry;
import dev.syncnode.manifest.IgnoreRules;
import dev.syncnode.manifest.Manifest;
import dev.syncnode.manifest.PathRules;
import dev.syncnode.manifest.PathViolation;
import dev.syncnode.master.SpiderFiles;
import dev.syncnode.master.SpiderPaths;
import dev.syncnode.master.scan.ScanException;
import dev.syncnode.master.scan.ServedFile;
import dev.syncnode.piece.PieceCodec.Codec;
import dev.syncnode.piece.PieceCodec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the files of one request as pieces of at most {@link #PIECE} bytes, a bounded round at a
 * time ({@link #round} is blocking: call it in {@code executeBlocking}, one round at a time; the
 * event loop writes each round out and asks for the next when the stream drains). So memory per
 * stream stays around {@link #ROUND_BYTES} whatever the file sizes. Pieces are compressed with the
 * request's codec when it has one, the name is not a known compressed format, the first piece of the
 * file shrinks, and the piece itself shrinks; compressed pieces and verdicts are shared, per codec,
 * through the {@link ContentCache}.
 * Files are opened through one {@link SpiderFiles} per request, and each open file is stat'ed once
 * when it is finished (and at the end of a round that cached some of it), not once per piece.
 * A whole file of at most one piece that the spider's current manifest lists is served by its
 * content hash from the cache when it is there (no open at all: ten workers asking for the same
 * thousand small files cost one open and one read of each), and cached by content after it was read
 * and its bytes hashed to what the manifest says.
 */
public final class PieceReader {
  /**
   * Piece size (also the unit of the compression cache). Messages stay well below the 256 KiB
   * default message limit of gRPC clients such as Vert.x's.
   */
  public static final int PIECE = 128 * 1024;
  public static final int ROUND_BYTES = 2 * 1024 * 1024;
  static final int ROUND_PIECES = 512;

  /** One piece, ready for the wire. */
  public record Piece(int index, long offset, byte[] data, Codec codec, int rawSize, long fileSize, boolean eof) {}

  /** What one round read: the pieces, and the files it finished (their size and mtime after reading). */
  public record Round(List<Piece> pieces, List<ServedFile> served) {}

  private final SpiderFiles spider;
  private final String spiderId;
  private final List<String> files;
  private final long firstOffset;
  private final long firstLength;
  private final Codec codec;
  private final ContentCache cache;
  /**
   * The spider's manifest from the scan cache, or null; dropped once the first round has looked up the
   * requested files in it ({@link #listed}), so a long stream does not keep a replaced manifest alive.
   */
  private Manifest known;
  /** Per requested file, its manifest entry when it may come by content (a listed small file), else null. */
  private FileEntry[] listed;
  /** {@link ContentCache#changes} before {@link #known} was taken: once it moves, files are opened again. */
  private final long changesBefore;
  private volatile boolean cancelled;

  private int fileIdx;
  private ConfinedFile file;
  /** The open file's version, as the cache knows it. */
  private FileIdentity id;
  private long pos;
  private long end;
  private long size;
  private boolean compress;
  private boolean firstPiece;
  /** Whether this reader cached anything of the open file since it last checked the file. */
  private boolean cachedUnchecked;
  /** The manifest's entry of the open file when it is read whole, to be cached by content; else null. */
  private FileEntry whole;

  /**
   * @param firstOffset offset into the first file (single-file range requests), else 0
   * @param firstLength bytes of the first file from the offset, 0 for all
   * @param codec the codec negotiated with the worker ({@link PieceCodec#negotiate})
   * @param known the spider's whole manifest as the scan cache holds it now, or null
   * @param changesBefore {@link ContentCache#changes} read before {@code known} was asked for
   */
  public PieceReader(SpiderPaths paths, IgnoreRules ignore, String spiderId, List<String> files, long firstOffset,
      long firstLength, Codec codec, ContentCache cache, Manifest known, long changesBefore) {
    this.spider = new SpiderFiles(paths, spiderId, ignore);
    this.spiderId = spiderId;
    this.files = files;
    this.firstOffset = firstOffset;
    this.firstLength = firstLength;
    this.codec = codec;
    this.cache = cache;
    this.known = known;
    this.changesBefore = changesBefore;
  }

  public boolean finished() {
    return fileIdx >= files.size();
  }

  public void cancel() {
    cancelled = true;
  }

  public boolean cancelled() {
    return cancelled;
  }

  /**
   * Reads the next round of pieces. Blocking. After the round that finishes the request, or that
   * fails or is cancelled, nothing of the spider is held open any more.
   */
  public Round round() throws IOException {
    List<Piece> out = new ArrayList<>();
    List<ServedFile> served = new ArrayList<>();
    long bytes = 0;
    if (known != null) {
      listed = listedSmallFiles(known);
      known = null;
    }
    try {
      while (!finished() && bytes < ROUND_BYTES && out.size() < ROUND_PIECES && !cancelled) {
        if (file == null) {
          FileEntry entry = listedWhole();
          Piece hit = entry == null ? null : cachedWhole(entry);
          if (hit != null) {
            out.add(hit);
            bytes += hit.rawSize();
            fileIdx++;
            continue;
          }
          open();
          whole = entry != null && entry.size() == size && pos == 0 && end == size ? entry : null;
        }
        Piece p = whole != null ? readWhole(whole) : next();
        out.add(p);
        bytes += p.rawSize();
        if (p.eof()) {
          served.add(served());
          closeFile();
          fileIdx++;
        }
      }
      if (file != null && cachedUnchecked) {
        check();
      }
    } catch (IOException | RuntimeException | Error e) { // an Error too: the files must not stay open
      if (file != null && cachedUnchecked) {
        cache.forget(id); // it could not be checked
      }
      close();
      throw e;
    }
    if (cancelled || finished()) {
      close(); // the directories the last files were opened through
    }
    return new Round(out, served);
  }

  /**
   * The file just sent as it is now, for the scan cache's stale-entry check: a file that changed
   * after the scan makes the cache drop the spider's manifest, so the worker's retry gets a fresh one.
   */
  private ServedFile served() throws IOException {
    BasicFileAttributes a = check();
    return ServedFile.of(spiderId, PathRules.normalize(files.get(fileIdx)), a); // valid: it was opened
  }

  /**
   * The open file's attributes now. If it changed since it was opened, what was cached under its old
   * identity (by this reader or another) is dropped: those pieces may hold the new content.
   */
  private BasicFileAttributes check() throws IOException {
    BasicFileAttributes a = file.current();
    if (!FileIdentity.of(id.path(), a).equals(id)) {
      cache.forget(id);
    }
    cachedUnchecked = false;
    return a;
  }

  private void open() throws IOException {
    String rel = files.get(fileIdx);
    file = spider.open(rel);
    id = FileIdentity.of(file.realPath(), file.attributes());
    size = id.size();
    long start = fileIdx == 0 ? firstOffset : 0;
    if (start > size) {
      throw ScanException.invalid("offset " + start + " beyond file size " + size);
    }
    // compared as a remainder: start + firstLength can overflow (length up to Long.MAX_VALUE)
    end = fileIdx == 0 && firstLength > 0 && firstLength < size - start ? start + firstLength : size;
    pos = start;
    firstPiece = true;
    compress = codec != Codec.NONE && !PieceCodec.knownCompressed(rel)
        && cache.piece(fileKey(-1, 0)) != ContentCache.RAW;
  }

  /**
   * The cache key of a piece, or at offset -1 of the file's verdict. Verdicts are per codec, like the
   * pieces: sharing them would mostly be right (both codecs find the same redundancy), but one key
   * shape is simpler, and a file whose head does not shrink costs just one probe per codec in use (two
   * at most, while workers that only know DEFLATE remain).
   */
  private ContentCache.PieceKey fileKey(long offset, int length) {
    return new ContentCache.PieceKey(id, offset, length, codec);
  }

  private Piece next() throws IOException {
    int len = (int) Math.min(PIECE, end - pos);
    boolean eof = pos + len >= end;
    int index = fileIdx;
    long at = pos;
    if (len == 0) {
      return new Piece(index, at, new byte[0], Codec.NONE, 0, size, true);
    }
    Piece piece;
    if (!compress) {
      piece = new Piece(index, at, read(at, len), Codec.NONE, len, size, eof);
    } else {
      // one reader compresses a piece, concurrent readers of the same piece wait for its result
      byte[][] rawHolder = {null};
      byte[] packed = cache.piece(fileKey(at, len), () -> {
        byte[] raw = read(at, len);
        rawHolder[0] = raw;
        byte[] p = PieceCodec.compress(codec, raw, 0, len);
        cachedUnchecked = true;
        return p == null ? ContentCache.RAW : p;
      });
      if (packed == ContentCache.RAW && firstPiece) {
        compress = false; // the probe did not shrink: send the rest of the file raw
        cache.put(fileKey(-1, 0), ContentCache.RAW);
        cachedUnchecked = true;
      }
      if (packed != ContentCache.RAW) {
        piece = new Piece(index, at, packed, codec, len, size, eof);
      } else {
        byte[] raw = rawHolder[0] != null ? rawHolder[0] : read(at, len);
        piece = new Piece(index, at, raw, Codec.NONE, len, size, eof);
      }
    }
    firstPiece = false;
    pos += len;
    return piece;
  }

  private byte[] read(long at, int len) throws IOException {
    byte[] buf = new byte[len];
    ByteBuffer bb = ByteBuffer.wrap(buf);
    while (bb.hasRemaining()) {
      int n = file.channel().read(bb, at + bb.position());
      if (n < 0) {
        throw new IOException("file shrank while it was sent: " + files.get(fileIdx));
      }
    }
    return buf;
  }

  /** The manifest's entries of the requested files that fit one piece and are asked for whole. */
  private FileEntry[] listedSmallFiles(Manifest m) {
    FileEntry[] out = new FileEntry[files.size()];
    for (int i = fileIdx; i < files.size(); i++) {
      if (i == 0 && (firstOffset != 0 || firstLength != 0)) {
        continue;
      }
      String rel;
      try {
        rel = PathRules.normalize(files.get(i));
      } catch (PathViolation invalid) {
        continue; // opening it reports the error
      }
      FileEntry e = m.entry(rel);
      // the rules of now, not of the scan: a file ignored since is refused by the open, as before
      out[i] = e != null && e.isFile() && e.size() <= PIECE && !spider.hidden(rel) ? e : null;
    }
    return out;
  }

  /** The manifest's entry for the next file when it may come by content; else null. */
  private FileEntry listedWhole() {
    if (listed == null || cache.changes() != changesBefore) {
      return null; // a change seen since the manifest was taken: it may list what is gone, so open as before
    }
    return listed[fileIdx];
  }

  private Piece cachedWhole(FileEntry e) {
    ContentCache.Whole w = cache.whole(new ContentCache.ContentKey(e.hash(), codec));
    return w == null ? null : new Piece(fileIdx, 0, w.data(), w.codec(), (int) e.size(), e.size(), true);
  }

  /** The open file in one piece; cached by content when what was read is what the manifest lists. */
  private Piece readWhole(FileEntry e) throws IOException {
    int len = (int) size;
    byte[] raw = read(0, len);
    ContentCache.Whole w = new ContentCache.Whole(raw, Codec.NONE);
    if (codec != Codec.NONE && len > 0 && !PieceCodec.knownCompressed(files.get(fileIdx))) {
      byte[] packed = PieceCodec.compress(codec, raw, 0, len);
      if (packed != null) {
        w = new ContentCache.Whole(packed, codec);
      }
    }
    if (FileHasher.sha256(raw).equals(e.hash())) {
      cache.putWhole(new ContentCache.ContentKey(e.hash(), codec), w);
    }
    pos = size;
    return new Piece(fileIdx, 0, w.data(), w.codec(), len, size, true);
  }

  private void closeFile() {
    whole = null;
    if (file != null) {
      SpiderFiles.closeQuietly(file);
      file = null;
    }
  }

  /** Releases the open file and directories, if any. Safe to call from the event loop between rounds. */
  public void close() {
    closeFile();
    spider.close();
  }
}
