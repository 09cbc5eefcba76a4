package dev.syncnode.transport;

import java.util.Locale;
import java.util.Set;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * Compression of file pieces on the wire: raw DEFLATE (the algorithm of gzip, without its header),
 * level 1, from the JDK. The master compresses only pieces that shrink by at least 10% and never
 * files in known compressed formats; the worker inflates into a buffer of exactly the announced
 * size, so a hostile piece cannot make it allocate more than {@link #MAX_RAW_PIECE}.
 */
public final class PieceCodec {
  /** Largest uncompressed piece a worker accepts. */
  public static final int MAX_RAW_PIECE = 1024 * 1024;
  /** A compressed piece must be at most this fraction of the raw size, else it is sent raw. */
  public static final double MIN_GAIN_RATIO = 0.9;
  /**
   * Head of a longer input that is deflated first: if it does not shrink below {@link #MIN_GAIN_RATIO},
   * the input counts as incompressible and the rest is not deflated at all.
   */
  public static final int PROBE_BYTES = 4096;

  private static final Set<String> COMPRESSED = Set.of(
      "gz", "tgz", "zip", "jar", "war", "whl", "egg", "xz", "txz", "bz2", "tbz2", "zst", "lz4", "lzma", "7z",
      "rar", "br", "snappy", "sz", "png", "jpg", "jpeg", "gif", "webp", "avif", "heic", "mp3", "mp4", "m4a",
      "aac", "ogg", "opus", "flac", "webm", "mkv", "mov", "avi", "woff", "woff2", "pdf", "docx", "xlsx", "pptx",
      "odt", "parquet", "orc", "avro", "pkl.gz", "npz", "h5", "pt", "onnx");

  private static final ThreadLocal<Deflater> DEFLATER = ThreadLocal.withInitial(() -> new Deflater(1, true));
  private static final ThreadLocal<Inflater> INFLATER = ThreadLocal.withInitial(() -> new Inflater(true));

  private PieceCodec() {}

  /** Whether the file name says the content is already compressed. */
  public static boolean knownCompressed(String path) {
    String name = path.substring(path.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
    int dot = name.lastIndexOf('.');
    return dot >= 0 && COMPRESSED.contains(name.substring(dot + 1));
  }

  /**
   * DEFLATE of {@code buf[off, off+len)}, or null when it does not shrink below
   * {@link #MIN_GAIN_RATIO} of the input (the caller then sends it raw). Longer inputs are probed:
   * when their first {@link #PROBE_BYTES} do not shrink either, this returns null having deflated
   * only those. Blocking CPU work.
   */
  public static byte[] deflate(byte[] buf, int off, int len) {
    if (len < 64) {
      return null;
    }
    int limit = (int) (len * MIN_GAIN_RATIO);
    Deflater d = DEFLATER.get();
    d.reset();
    byte[] out = new byte[limit];
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
    byte[] exact = new byte[n];
    System.arraycopy(out, 0, exact, 0, n);
    return exact;
  }

  /**
   * Inflates {@code data} into exactly {@code rawSize} bytes.
   *
   * @throws IllegalArgumentException when the data is corrupt or does not inflate to {@code rawSize}
   */
  public static byte[] inflate(byte[] data, int rawSize) {
    return inflate(java.nio.ByteBuffer.wrap(data), rawSize);
  }

  /** As {@link #inflate(byte[], int)}, reading {@code data} from its position to its limit. */
  public static byte[] inflate(java.nio.ByteBuffer data, int rawSize) {
    if (rawSize < 0 || rawSize > MAX_RAW_PIECE) {
      throw new IllegalArgumentException("piece size " + rawSize + " out of range");
    }
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
}
