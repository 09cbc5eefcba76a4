package dev.syncnode.fs;

import dev.syncnode.manifest.ManifestDigest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * SHA-256 of files, blocking. One reusable buffer and digest per thread: allocating per file made
 * hashing many times slower (DESIGN.md section 4).
 */
public final class FileHasher {
  private static final int BUFFER_SIZE = 256 * 1024;
  private static final ThreadLocal<byte[]> BUFFER = ThreadLocal.withInitial(() -> new byte[BUFFER_SIZE]);
  private static final ThreadLocal<MessageDigest> DIGEST = ThreadLocal.withInitial(ManifestDigest::sha256);

  private FileHasher() {}

  /** Hex SHA-256 of an open file from its start to its end (positional reads: the channel's position stays). */
  public static String sha256(FileChannel ch) throws IOException {
    MessageDigest md = DIGEST.get();
    md.reset();
    byte[] buf = BUFFER.get();
    ByteBuffer bb = ByteBuffer.wrap(buf);
    long pos = 0;
    int n;
    while ((n = ch.read(bb.clear(), pos)) > 0) {
      md.update(buf, 0, n);
      pos += n;
    }
    return HexFormat.of().formatHex(md.digest());
  }

  /** Hex SHA-256 of bytes already in memory (the same digest as {@link #sha256(FileChannel)} of a file holding them). */
  public static String sha256(byte[] data) {
    MessageDigest md = DIGEST.get();
    md.reset();
    return HexFormat.of().formatHex(md.digest(data));
  }
}
