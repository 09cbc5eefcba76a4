package dev.syncnode.delta;

import dev.syncnode.manifest.ManifestDigest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * Block hashes of one file: the file is cut into blocks of {@code blockSize} bytes (the last may be
 * shorter), {@code groupSize} consecutive blocks form a group. Per block: the first 8 bytes of its
 * SHA-256 ("strong") and optionally its {@link RollingChecksum} ("weak"); per group: the first 8
 * bytes of the SHA-256 over its blocks' full SHA-256 digests; and the SHA-256 of the whole file.
 * Computed in one sequential pass. Blocking: run it off the event loop. The arrays are never changed
 * once computed.
 */
public record BlockIndex(long fileSize, String fileHash, int blockSize, int groupSize, long[] strong, int[] weak,
    long[] groupHashes) {
  /** Default block size; large files get larger blocks so one file never has more than {@link #MAX_BLOCKS}. */
  public static final int DEFAULT_BLOCK_SIZE = 8 * 1024;
  /** Blocks per group. */
  public static final int DEFAULT_GROUP_SIZE = 128;
  public static final int MAX_BLOCKS = 128 * 1024;
  /** Largest block size accepted from a master (bounds the rolling search window). */
  public static final int MAX_BLOCK_SIZE = 16 * 1024 * 1024;

  private static final int READ_BUFFER = 1024 * 1024;
  private static final ThreadLocal<byte[]> BUFFER = ThreadLocal.withInitial(() -> new byte[READ_BUFFER]);

  /** The block size used for a file of {@code size} bytes: 8 KiB, doubled until the file has at most 128 Ki blocks. */
  public static int blockSizeFor(long size) {
    int bs = DEFAULT_BLOCK_SIZE;
    while ((size + bs - 1) / bs > MAX_BLOCKS && bs < MAX_BLOCK_SIZE) {
      bs <<= 1;
    }
    return bs;
  }

  /** Smallest block size a worker accepts from a master. */
  public static final int MIN_BLOCK_SIZE = 1024;

  /**
   * Checks a master's block geometry against the file it describes and the local copy it is to be
   * matched with, before anything is sized by it: a power-of-two block size in range, at most
   * {@link #MAX_BLOCKS} blocks in either file, and one group hash per group.
   *
   * @throws IllegalArgumentException saying what does not fit
   */
  public static void checkGeometry(int blockSize, int groupSize, long fileSize, long localSize, int groupHashes) {
    if (blockSize < MIN_BLOCK_SIZE || blockSize > MAX_BLOCK_SIZE || Integer.bitCount(blockSize) != 1) {
      throw new IllegalArgumentException("block size " + blockSize + " outside " + MIN_BLOCK_SIZE + ".."
          + MAX_BLOCK_SIZE + " or not a power of two");
    }
    if (groupSize < 1 || groupSize > MAX_BLOCKS) {
      throw new IllegalArgumentException("group size " + groupSize + " outside 1.." + MAX_BLOCKS);
    }
    if (fileSize < 0 || localSize < 0 || (fileSize + blockSize - 1) / blockSize > MAX_BLOCKS
        || (localSize + blockSize - 1) / blockSize > MAX_BLOCKS) {
      throw new IllegalArgumentException("block size " + blockSize + " too small for " + fileSize + " / "
          + localSize + " bytes (more than " + MAX_BLOCKS + " blocks)");
    }
    if (groupHashes != groupCount(fileSize, blockSize, groupSize)) {
      throw new IllegalArgumentException(groupHashes + " group hashes for " + groupCount(fileSize, blockSize, groupSize)
          + " groups");
    }
  }

  public static int blockCount(long size, int blockSize) {
    return (int) ((size + blockSize - 1) / blockSize);
  }

  public static int groupCount(long size, int blockSize, int groupSize) {
    return (blockCount(size, blockSize) + groupSize - 1) / groupSize;
  }

  /**
   * Indexes a local file with the default sizes for its length, opening it by name (following links):
   * for files the caller owns. The master indexes spider files from a checked open file instead
   * ({@link #compute(FileChannel, long, boolean)}).
   */
  public static BlockIndex compute(Path file, boolean withWeak) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      return compute(ch, ch.size(), withWeak);
    }
  }

  /** Indexes the first {@code size} bytes of an open file with the default sizes for that length. */
  public static BlockIndex compute(FileChannel ch, long size, boolean withWeak) throws IOException {
    return compute(ch, size, blockSizeFor(size), DEFAULT_GROUP_SIZE, withWeak);
  }

  public static BlockIndex compute(Path file, int blockSize, int groupSize, boolean withWeak) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      return compute(ch, ch.size(), blockSize, groupSize, withWeak);
    }
  }

  /**
   * Block and group hashes of a local file without the whole file's SHA-256 ({@link #fileHash()} is
   * empty): what a worker matches its old copy with. Its whole hash is already known from its scan,
   * and hashing the file once more would cost a full pass for nothing.
   */
  public static BlockIndex blocksOnly(Path file, int blockSize, int groupSize) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      return compute(ch, ch.size(), blockSize, groupSize, false, false);
    }
  }

  /** Indexes the first {@code size} bytes of {@code ch}; fails if the file is shorter. */
  public static BlockIndex compute(FileChannel ch, long size, int blockSize, int groupSize, boolean withWeak)
      throws IOException {
    return compute(ch, size, blockSize, groupSize, withWeak, true);
  }

  private static BlockIndex compute(FileChannel ch, long size, int blockSize, int groupSize, boolean withWeak,
      boolean withWhole) throws IOException {
    if (blockSize <= 0 || blockSize > MAX_BLOCK_SIZE || groupSize <= 0) {
      throw new IllegalArgumentException("bad block geometry " + blockSize + "/" + groupSize);
    }
    int blocks = blockCount(size, blockSize);
    int groups = groupCount(size, blockSize, groupSize);
    long[] strong = new long[blocks];
    int[] weak = withWeak ? new int[blocks] : null;
    long[] groupHashes = new long[groups];
    MessageDigest whole = withWhole ? ManifestDigest.sha256() : null;
    MessageDigest block = ManifestDigest.sha256();
    MessageDigest group = ManifestDigest.sha256();
    byte[] buf = blockSize <= READ_BUFFER ? BUFFER.get() : new byte[blockSize];
    int perRead = Math.max(1, buf.length / blockSize) * blockSize;
    long pos = 0;
    int b = 0;
    while (pos < size) {
      int want = (int) Math.min(perRead, size - pos);
      readFully(ch, buf, want, pos);
      if (whole != null) {
        whole.update(buf, 0, want);
      }
      for (int off = 0; off < want; off += blockSize) {
        int len = Math.min(blockSize, want - off);
        block.update(buf, off, len);
        byte[] d = block.digest();
        strong[b] = first8(d);
        if (weak != null) {
          weak[b] = RollingChecksum.of(buf, off, len);
        }
        group.update(d);
        b++;
        if (b % groupSize == 0 || b == blocks) {
          groupHashes[(b - 1) / groupSize] = first8(group.digest());
        }
      }
      pos += want;
    }
    return new BlockIndex(size, whole == null ? "" : HexFormat.of().formatHex(whole.digest()), blockSize, groupSize, strong, weak,
        groupHashes);
  }

  static void readFully(FileChannel ch, byte[] buf, int len, long pos) throws IOException {
    ByteBuffer bb = ByteBuffer.wrap(buf, 0, len);
    while (bb.hasRemaining()) {
      int n = ch.read(bb, pos + bb.position());
      if (n < 0) {
        throw new IOException("file shrank while it was read");
      }
    }
  }

  /** The first 8 bytes of a digest, big-endian. */
  static long first8(byte[] d) {
    return ByteBuffer.wrap(d).getLong();
  }

  public int blockCount() {
    return strong.length;
  }

  public int groupCount() {
    return groupHashes.length;
  }

  public long strong(int block) {
    return strong[block];
  }

  /** The rolling checksum of a block; only when computed with weak sums. */
  public int weak(int block) {
    return weak[block];
  }

  public long groupHash(int group) {
    return groupHashes[group];
  }

  /** Length of block {@code i} (the last block may be short). */
  public int blockLength(int i) {
    return blockLength(fileSize, blockSize, i);
  }

  public static int blockLength(long fileSize, int blockSize, int i) {
    return (int) Math.min(blockSize, fileSize - (long) i * blockSize);
  }

  /** Memory held by this index, roughly, for cache accounting. */
  public long footprint() {
    return 64L + strong.length * 8L + (weak == null ? 0 : weak.length * 4L) + groupHashes.length * 8L;
  }
}
