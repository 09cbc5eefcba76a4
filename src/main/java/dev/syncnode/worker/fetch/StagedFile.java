package dev.syncnode.worker.fetch;

import dev.syncnode.manifest.FileEntry;
import dev.syncnode.manifest.ManifestDigest;
import dev.syncnode.transport.TransportException.Kind;
import dev.syncnode.transport.TransportException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * One temp file of a sync, written front to back and hashed as it is written: the only code that
 * creates temp files and checks bytes against the manifest's SHA-256. A resumed file's existing prefix
 * is hashed once, when it is opened; nothing is read back to hash it afterwards. Blocking; one thread
 * at a time.
 */
public final class StagedFile {
  private static final int COPY_BUFFER = 256 * 1024;

  private final FileEntry entry;
  private final Path file;
  private final MessageDigest digest = ManifestDigest.sha256();
  private FileChannel channel;
  private long position;
  private ByteBuffer copyBuffer;

  private StagedFile(FileEntry entry, Path file, FileChannel channel) {
    this.entry = entry;
    this.file = file;
    this.channel = channel;
  }

  /** A new, empty temp file for {@code entry}'s content (one already there is truncated). */
  public static StagedFile create(FileEntry entry, Path file) throws IOException {
    return new StagedFile(entry, file, FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.CREATE,
        StandardOpenOption.TRUNCATE_EXISTING));
  }

  /**
   * Continues the temp file at {@code file}, taken as a prefix of the content and hashed now; one longer
   * than the entry is not a prefix and starts over. Creates the file when there is none.
   */
  public static StagedFile resume(FileEntry entry, Path file) throws IOException {
    FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE,
        StandardOpenOption.CREATE);
    StagedFile s = new StagedFile(entry, file, ch);
    try {
      long have = ch.size();
      if (have > entry.size()) {
        ch.truncate(0);
      } else if (have > 0) {
        s.copyBuffer = ByteBuffer.allocate((int) Math.min(COPY_BUFFER, have));
        for (long pos = 0; pos < have; ) {
          int n = ch.read(s.copyBuffer.clear(), pos);
          if (n < 0) {
            throw new IOException("temp file " + file + " shrank while it was opened");
          }
          s.digest.update(s.copyBuffer.flip());
          pos += n;
        }
        s.position = have;
      }
      return s;
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
  }

  public FileEntry entry() {
    return entry;
  }

  public Path path() {
    return file;
  }

  /** Bytes the file holds, and the offset the next write goes to. */
  public long position() {
    return position;
  }

  /** Whether every byte of the entry is there (not yet verified). */
  public boolean full() {
    return position == entry.size();
  }

  /** Appends {@code bytes} (all of them; the buffer is consumed). More than the entry's size is INTEGRITY. */
  public void write(ByteBuffer bytes) throws IOException {
    if (position + bytes.remaining() > entry.size()) {
      throw new TransportException(Kind.INTEGRITY, entry.path() + ": master sent more than the manifest size of "
          + entry.size() + " bytes");
    }
    ByteBuffer out = bytes.duplicate();
    long at = position;
    while (out.hasRemaining()) {
      at += channel.write(out, at);
    }
    digest.update(bytes);
    position = at;
  }

  /** Appends {@code length} bytes of {@code in} from {@code from} (a local copy: reuse, delta). */
  public void copy(FileChannel in, long from, long length) throws IOException {
    if (copyBuffer == null) {
      copyBuffer = ByteBuffer.allocate((int) Math.max(1, Math.min(COPY_BUFFER, length)));
    }
    for (long done = 0; done < length; ) {
      copyBuffer.clear().limit((int) Math.min(copyBuffer.capacity(), length - done));
      int n = in.read(copyBuffer, from + done);
      if (n < 0) {
        throw new IOException("the local copy used for " + entry.path() + " shrank while it was read");
      }
      write(copyBuffer.flip());
      done += n;
    }
  }

  /**
   * Closes the file and checks size and SHA-256 against the manifest entry; on a mismatch the file is
   * deleted and INTEGRITY thrown.
   *
   * @return the verified file
   */
  public Path finish() throws IOException {
    close();
    String hash = full() ? HexFormat.of().formatHex(digest.digest()) : "";
    if (!hash.equals(entry.hash())) {
      Files.deleteIfExists(file);
      throw new TransportException(Kind.INTEGRITY, "hash mismatch for " + entry.path() + ": expected "
          + entry.hash() + " (" + entry.size() + " bytes), got " + (hash.isEmpty() ? "?" : hash) + " ("
          + position + " bytes); not installed");
    }
    return file;
  }

  /** Closes the file, keeping what it holds for a resume. */
  public void close() throws IOException {
    if (channel != null) {
      FileChannel ch = channel;
      channel = null;
      ch.close();
    }
  }

  /**
   * Gives the file up after {@code why}: bytes that cannot be trusted are deleted; after a local write
   * failure (disk full) the prefix is sound and stays for resuming, within {@link Partials}' bounds.
   */
  public void discard(Throwable why) {
    try {
      close();
      if (TransportException.kindOf(why) != Kind.LOCAL_IO) {
        Files.deleteIfExists(file);
      }
    } catch (IOException ignored) {
      // the next sync cleans the temp area
    }
  }
}
