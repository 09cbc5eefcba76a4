package dev.syncnode.fs;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One regular file of a root, opened once and checked after the open: the open never follows a final
 * symlink and never blocks on a FIFO ({@code O_NOFOLLOW | O_NONBLOCK}); then what was opened must be a
 * regular file (fstat) whose current real location (the kernel's, through {@code /proc/self/fd}) is
 * inside the root. Size, content and attributes all come from that descriptor; {@link #servePath}
 * names exactly it for code that can only open by name (Vert.x's {@code AsyncFile}). So a name swapped
 * for a symlink or a FIFO after any earlier check is either refused here or does not matter. A regular
 * file with more than one link is refused too: a hard link has no direction, so its other names may lie
 * outside the root and no path check can see them.
 *
 * <p>Without the native open ({@link #safe()} false: no {@code --add-opens}, not Linux) this falls
 * back to an lstat then an open with {@code O_NOFOLLOW}, which a FIFO swapped in between can block;
 * one warning says so at start. Blocking; not thread-safe; {@link #close} it.
 */
public final class ConfinedFile implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ConfinedFile.class);
  private static final Path FD_DIR = Path.of("/proc/self/fd");

  /** Tests only: runs with the path about to be opened, just before the open. */
  static volatile Consumer<Path> beforeOpen;

  static {
    if (NativeOpen.UNAVAILABLE != null) {
      LOG.warn("files are opened without O_NONBLOCK and checked by path, not by descriptor: {}",
          NativeOpen.UNAVAILABLE);
    }
  }

  private final Path realPath;
  private final FileChannel channel;
  private final BasicFileAttributes attributes;
  /** The checked descriptor, kept open so {@link #servePath} and {@link #current} name it; -1 in fallback. */
  private final int fd;
  private volatile boolean closed;

  private ConfinedFile(Path realPath, FileChannel channel, BasicFileAttributes attributes, int fd) {
    this.realPath = realPath;
    this.channel = channel;
    this.attributes = attributes;
    this.fd = fd;
  }

  /** Whether files are opened and checked by descriptor (the safe path) in this JVM. */
  public static boolean safe() {
    return NativeOpen.UNAVAILABLE == null;
  }

  /**
   * Opens {@code file} for reading: a regular file whose real location is strictly inside
   * {@code realRoot} (itself a real path). Symlinks on the way to {@code file} may be followed, a
   * final one never is; the check is on what was opened.
   *
   * @throws IOException when it is missing, a symlink, not a regular file, outside the root, or a
   *     hard link (more than one link)
   */
  public static ConfinedFile open(Path file, Path realRoot) throws IOException {
    return open(file, realRoot, false);
  }

  /**
   * As {@link #open(Path, Path)}; with {@code allowHardLinks} a file with several links is accepted (a
   * worker reading its own destination, whose hard links it did not get from a master).
   */
  public static ConfinedFile open(Path file, Path realRoot, boolean allowHardLinks) throws IOException {
    Consumer<Path> hook = beforeOpen;
    if (hook != null) {
      hook.accept(file);
    }
    return safe() ? openByDescriptor(file, realRoot, allowHardLinks) : openByPath(file, realRoot, allowHardLinks);
  }

  /** The link count of {@code p} (read through {@code options}); 1 where the file system does not tell. */
  public static int links(Path p, LinkOption... options) throws IOException {
    try {
      return Files.readAttributes(p, "unix:nlink", options).get("nlink") instanceof Integer n ? n : 1;
    } catch (UnsupportedOperationException | IllegalArgumentException noUnixView) {
      return 1;
    }
  }

  /** Refuses a file with more than one link (the count read through {@code options}). */
  private static void refuseHardLink(Path file, Path attrsOf, boolean allowHardLinks, LinkOption... options)
      throws IOException {
    int n = allowHardLinks ? 1 : links(attrsOf, options);
    if (n > 1) {
      throw new FileSystemException(file.toString(), null, "a hard link (" + n + " links)");
    }
  }

  private static ConfinedFile openByDescriptor(Path file, Path realRoot, boolean allowHardLinks) throws IOException {
    int fd = NativeOpen.open(file);
    FileChannel channel = null;
    try {
      Path magic = FD_DIR.resolve(Integer.toString(fd));
      boolean fstat = NativeOpen.fstatAvailable();
      BasicFileAttributes attrs = fstat ? NativeOpen.fstat(fd, file)
          : Files.readAttributes(magic, BasicFileAttributes.class); // /proc/self/fd/N is followed to the file
      if (!attrs.isRegularFile()) {
        throw new FileSystemException(file.toString(), null, "not a regular file");
      }
      if (fstat) {
        int n = allowHardLinks ? 1 : NativeOpen.links(attrs);
        if (n > 1) {
          throw new FileSystemException(file.toString(), null, "a hard link (" + n + " links)");
        }
      } else {
        refuseHardLink(file, magic, allowHardLinks);
      }
      Path real = Files.readSymbolicLink(magic);
      if (!real.startsWith(realRoot)) {
        throw new FileSystemException(file.toString(), null, "outside the root " + realRoot);
      }
      // the same open file again, as a FileChannel (a regular file: no FIFO can be behind it)
      channel = FileChannel.open(magic, StandardOpenOption.READ);
      return new ConfinedFile(real, channel, attrs, fd);
    } catch (IOException | RuntimeException e) {
      if (channel != null) {
        channel.close();
      }
      NativeOpen.close(fd);
      throw e;
    }
  }

  /** The fallback: lstat, check the real path, open without following a final link. */
  static ConfinedFile openByPath(Path file, Path realRoot) throws IOException {
    return openByPath(file, realRoot, false);
  }

  static ConfinedFile openByPath(Path file, Path realRoot, boolean allowHardLinks) throws IOException {
    BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    if (!attrs.isRegularFile()) {
      throw new FileSystemException(file.toString(), null, "not a regular file");
    }
    refuseHardLink(file, file, allowHardLinks, LinkOption.NOFOLLOW_LINKS);
    Path real = file.toRealPath();
    if (!real.startsWith(realRoot)) {
      throw new FileSystemException(file.toString(), null, "outside the root " + realRoot);
    }
    FileChannel channel = FileChannel.open(real, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
    return new ConfinedFile(real, channel, attrs, -1);
  }

  /** Where the opened file was when it was checked (the kernel's name for it). */
  public Path realPath() {
    return realPath;
  }

  /** Reads the opened file; positional reads keep it usable by one reader at a time from any offset. */
  public FileChannel channel() {
    return channel;
  }

  /** Its attributes when it was opened (fstat). */
  public BasicFileAttributes attributes() {
    return attributes;
  }

  /** Its attributes now: fstat of the opened file (lstat of its real path in the fallback). */
  public BasicFileAttributes current() throws IOException {
    if (closed) {
      throw new IOException("closed: " + realPath);
    }
    if (fd >= 0) {
      return NativeOpen.fstatAvailable() ? NativeOpen.fstat(fd, realPath)
          : Files.readAttributes(servePath(), BasicFileAttributes.class);
    }
    return Files.readAttributes(realPath, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
  }

  /**
   * A path that opens exactly this file for as long as it is not closed ({@code /proc/self/fd/N});
   * its real path in the fallback.
   */
  public Path servePath() {
    return fd >= 0 ? FD_DIR.resolve(Integer.toString(fd)) : realPath;
  }

  @Override
  public synchronized void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      channel.close();
    } finally {
      if (fd >= 0) {
        NativeOpen.close(fd);
      }
    }
  }
}
