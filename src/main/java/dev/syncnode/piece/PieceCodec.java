package dev.syncnode.piece;

import com.github.luben.zstd.EndDirective;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdDecompressCtx;
import com.github.luben.zstd.ZstdException;
import com.github.luben.zstd.util.Native;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Locale;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compression of file pieces on the wire, with one of two codecs negotiated per request
 * ({@link #negotiate}): zstd level 1 (zstd-jni, preferred: several times faster than DEFLATE at a
 * slightly better ratio) and raw DEFLATE level 1 (the algorithm of gzip, without its header) from the
 * JDK, for peers and platforms without zstd. The master compresses only pieces that shrink by at
 * least 10% and never files in known compressed formats; the worker decompresses into a buffer of
 * exactly the announced size, so a hostile piece cannot make it allocate more than
 * {@link #MAX_RAW_PIECE}.
 */
public final class PieceCodec {
  private static final Logger LOG = LoggerFactory.getLogger(PieceCodec.class);

  /** How the bytes of a piece are encoded. */
  public enum Codec { NONE, DEFLATE, ZSTD }

  /** Largest uncompressed piece a worker accepts. */
  public static final int MAX_RAW_PIECE = 1024 * 1024;
  /** A compressed piece must be at most this fraction of the raw size, else it is sent raw. */
  public static final double MIN_GAIN_RATIO = 0.9;
  /**
   * Head of a longer input that is compressed first: if it does not shrink below {@link #MIN_GAIN_RATIO},
   * the input counts as incompressible and the rest is not compressed at all.
   */
  public static final int PROBE_BYTES = 4096;
  /** Inputs shorter than this are never compressed. */
  private static final int MIN_INPUT = 64;
  private static final int ZSTD_LEVEL = 1;

  private static final Set<String> COMPRESSED = Set.of(
      "gz", "tgz", "zip", "jar", "war", "whl", "egg", "xz", "txz", "bz2", "tbz2", "zst", "lz4", "lzma", "7z",
      "rar", "br", "snappy", "sz", "png", "jpg", "jpeg", "gif", "webp", "avif", "heic", "mp3", "mp4", "m4a",
      "aac", "ogg", "opus", "flac", "webm", "mkv", "mov", "avi", "woff", "woff2", "pdf", "docx", "xlsx", "pptx",
      "odt", "parquet", "orc", "avro", "pkl.gz", "npz", "h5", "pt", "onnx");

  private static final ThreadLocal<Deflater> DEFLATER = ThreadLocal.withInitial(() -> new Deflater(1, true));
  private static final ThreadLocal<Inflater> INFLATER = ThreadLocal.withInitial(() -> new Inflater(true));

  /**
   * zstd-jni, touched only once {@link #zstdAvailable()} said its native library loaded. Contexts are
   * pooled rather than kept per thread: zstd-jni frees their native memory only on close, so a
   * thread-local one would leak with its thread; the pool holds at most one per concurrent call.
   */
  private static final class ZstdLib {
    static final boolean LOADED = load();
    static final Queue<ZstdCompressCtx> COMPRESSORS = new ConcurrentLinkedQueue<>();
    static final Queue<ZstdDecompressCtx> DECOMPRESSORS = new ConcurrentLinkedQueue<>();

    private static boolean load() {
      try {
        Native.load();
        return true;
      } catch (LinkageError | RuntimeException e) { // no library for this platform, or it cannot be loaded
        LOG.info("zstd is not available here ({}); file pieces are compressed with DEFLATE", e.toString());
        return false;
      }
    }
  }

  private PieceCodec() {}

  /**
   * Whether zstd can be used here. The first call loads the native library (blocking: it is extracted
   * from the jar to a temp file), so the gRPC endpoint and the worker's sync verticle call it at
   * start-up, off the event loop.
   */
  public static boolean zstdAvailable() {
    return ZstdLib.LOADED;
  }

  /** The codec for a request: zstd when accepted and available here, else DEFLATE when accepted, else none. */
  public static Codec negotiate(boolean acceptZstd, boolean acceptDeflate) {
    if (acceptZstd && zstdAvailable()) {
      return Codec.ZSTD;
    }
    return acceptDeflate ? Codec.DEFLATE : Codec.NONE;
  }

  /** Whether the file name says the content is already compressed. */
  public static boolean knownCompressed(String path) {
    String name = path.substring(path.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
    int dot = name.lastIndexOf('.');
    return dot >= 0 && COMPRESSED.contains(name.substring(dot + 1));
  }

  /**
   * {@code buf[off, off+len)} compressed with {@code codec}, or null when it does not shrink below
   * {@link #MIN_GAIN_RATIO} of the input (the caller then sends it raw), and always for
   * {@link Codec#NONE}. Inputs under 64 bytes are not compressed; longer ones than
   * {@link #PROBE_BYTES} are probed: when their head does not shrink either, this returns null having
   * compressed only the head. {@link Codec#ZSTD} requires {@link #zstdAvailable()}. Blocking CPU work.
   */
  public static byte[] compress(Codec codec, byte[] buf, int off, int len) {
    return switch (codec) {
      case NONE -> null;
      case DEFLATE -> deflate(buf, off, len);
      case ZSTD -> zstd(buf, off, len);
    };
  }

  /** {@link #compress} with {@link Codec#DEFLATE}. */
  public static byte[] deflate(byte[] buf, int off, int len) {
    if (len < MIN_INPUT) {
      return null;
    }
    Deflater d = DEFLATER.get();
    d.reset();
    byte[] out = new byte[(int) (len * MIN_GAIN_RATIO)];
    int n = 0;
    if (len > PROBE_BYTES) {
      // the head, flushed so its size is known; the stream then simply goes on with the rest
      d.setInput(buf, off, PROBE_BYTES);
      n = d.deflate(out, 0, out.length, Deflater.SYNC_FLUSH);
      if (n > PROBE_BYTES * MIN_GAIN_RATIO) {
        return null;
      }
      d.setInput(buf, off + PROBE_BYTES, len - PROBE_BYTES);
    } else {
      d.setInput(buf, off, len);
    }
    d.finish();
    while (!d.finished()) {
      if (n == out.length) {
        return null;
      }
      n += d.deflate(out, n, out.length - n);
    }
    return Arrays.copyOf(out, n);
  }

  /** {@link #compress} with {@link Codec#ZSTD}: one frame, which records the raw size. */
  private static byte[] zstd(byte[] buf, int off, int len) {
    if (len < MIN_INPUT) {
      return null;
    }
    ZstdCompressCtx z = ZstdLib.COMPRESSORS.poll();
    if (z == null) {
      z = new ZstdCompressCtx();
    }
    try {
      z.reset(); // the session and the parameters
      z.setLevel(ZSTD_LEVEL);
      z.setPledgedSrcSize(len);
      ByteBuffer out = ByteBuffer.allocate((int) (len * MIN_GAIN_RATIO));
      ByteBuffer in = ByteBuffer.wrap(buf, off, len);
      if (len > PROBE_BYTES) {
        // as for DEFLATE: the head is flushed to learn its size, then the frame goes on with the rest
        in.limit(off + PROBE_BYTES);
        boolean flushed = z.compressByteBufferStream(out, in, EndDirective.FLUSH);
        if (!flushed || out.position() > PROBE_BYTES * MIN_GAIN_RATIO) {
          return null;
        }
        in.limit(off + len);
      }
      while (!z.compressByteBufferStream(out, in, EndDirective.END)) {
        if (!out.hasRemaining()) {
          return null;
        }
      }
      return Arrays.copyOf(out.array(), out.position());
    } finally {
      ZstdLib.COMPRESSORS.offer(z);
    }
  }

  /**
   * Decompresses {@code data} (from its position to its limit; the position is not moved) into a
   * buffer of exactly {@code rawSize} bytes, whatever the data announces.
   *
   * @throws IllegalArgumentException when {@code rawSize} is out of range, {@code codec} is
   *     {@link Codec#NONE} or not available here, or the data is corrupt or does not decompress to
   *     exactly {@code rawSize} bytes
   */
  public static byte[] decompress(Codec codec, ByteBuffer data, int rawSize) {
    if (rawSize < 0 || rawSize > MAX_RAW_PIECE) {
      throw new IllegalArgumentException("piece size " + rawSize + " out of range");
    }
    return switch (codec) {
      case NONE -> throw new IllegalArgumentException("piece is not compressed");
      case DEFLATE -> inflate(data, rawSize);
      case ZSTD -> unzstd(data, rawSize);
    };
  }

  private static byte[] inflate(ByteBuffer data, int rawSize) {
    Inflater inf = INFLATER.get();
    inf.reset();
    inf.setInput(data.duplicate());
    byte[] out = new byte[rawSize];
    int n = 0;
    try {
      while (n < rawSize) {
        int k = inf.inflate(out, n, rawSize - n);
        if (k == 0 && (inf.finished() || inf.needsInput() || inf.needsDictionary())) {
          break;
        }
        n += k;
      }
      if (n != rawSize || !inf.finished()) {
        // either short, or more data than announced
        byte[] probe = new byte[1];
        if (n != rawSize || inf.inflate(probe) > 0 || !inf.finished()) {
          throw new IllegalArgumentException("compressed piece does not inflate to " + rawSize + " bytes");
        }
      }
    } catch (DataFormatException e) {
      throw new IllegalArgumentException("corrupt compressed piece: " + e.getMessage(), e);
    }
    return out;
  }

  /**
   * One-shot decompression straight into the result: unlike streaming, it allocates no window, so a
   * frame announcing a huge one costs nothing; more output than {@code rawSize} is an error. The
   * compressed bytes are copied to an array first (zstd-jni reads heap data only from arrays, and a
   * message's buffer is read-only).
   */
  private static byte[] unzstd(ByteBuffer data, int rawSize) {
    if (!zstdAvailable()) {
      throw new IllegalArgumentException("zstd is not available here");
    }
    if (!data.hasRemaining()) {
      throw new IllegalArgumentException("empty zstd piece");
    }
    byte[] src = new byte[data.remaining()];
    data.duplicate().get(src);
    byte[] out = new byte[rawSize];
    ZstdDecompressCtx z = ZstdLib.DECOMPRESSORS.poll();
    if (z == null) {
      z = new ZstdDecompressCtx();
    }
    int n;
    try {
      n = z.decompressByteArray(out, 0, rawSize, src, 0, src.length);
    } catch (ZstdException e) { // corrupt, cut, or more than rawSize bytes
      throw new IllegalArgumentException("zstd piece does not decompress to " + rawSize + " bytes: " + e.getMessage(),
          e);
    } finally {
      ZstdLib.DECOMPRESSORS.offer(z);
    }
    if (n != rawSize) {
      throw new IllegalArgumentException("zstd piece decompresses to " + n + " bytes, not " + rawSize);
    }
    return out;
  }
}
