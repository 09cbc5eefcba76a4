package dev.syncnode.fs;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Race tests: swaps a file for a symlink or a FIFO at exactly the moment the master is about to open
 * it ({@link ConfinedFile#beforeOpen}), and unblocks whatever a FIFO may have blocked.
 */
public final class Swaps {
  private Swaps() {}

  /** Installs {@code hook} as the before-open hook until the returned handle is closed. */
  public static AutoCloseable beforeOpen(Consumer<Path> hook) {
    ConfinedFile.beforeOpen = hook;
    return () -> ConfinedFile.beforeOpen = null;
  }

  /** A hook that runs {@code swap} once, the first time {@code target} is about to be opened. */
  public static Consumer<Path> once(Path target, Swap swap) {
    AtomicBoolean done = new AtomicBoolean();
    Path want = target.toAbsolutePath().normalize();
    return p -> {
      if (p.toAbsolutePath().normalize().equals(want) && done.compareAndSet(false, true)) {
        try {
          swap.run();
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }
    };
  }

  /** A file-system change that may fail. */
  public interface Swap {
    void run() throws IOException;
  }

  /** Replaces {@code file} by a symlink to {@code target} in one rename. */
  public static void toSymlink(Path file, Path target) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".swap");
    Files.createSymbolicLink(tmp, target);
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /** Replaces {@code file} by a FIFO in one rename. */
  public static void toFifo(Path file) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".swap");
    if (!mkfifo(tmp)) {
      throw new IOException("mkfifo failed");
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /** Whether a FIFO could be made at {@code p} (false where mkfifo is missing). */
  public static boolean mkfifo(Path p) {
    try {
      return new ProcessBuilder("mkfifo", p.toString()).start().waitFor() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Whether this machine can make FIFOs (for assumptions). */
  public static boolean fifosWork(Path dir) throws IOException {
    Path probe = dir.resolve("probe.fifo");
    boolean ok = mkfifo(probe);
    Files.deleteIfExists(probe);
    return ok;
  }

  /**
   * Releases any thread blocked opening the FIFO {@code p} for reading: an O_RDWR open never blocks
   * on Linux and counts as a writer; closing it gives the reader end-of-file. No-op if not a FIFO.
   */
  public static void unblock(Path p) {
    try {
      if (Files.readAttributes(p, java.nio.file.attribute.BasicFileAttributes.class,
          java.nio.file.LinkOption.NOFOLLOW_LINKS).isOther()) {
        try (RandomAccessFile raf = new RandomAccessFile(p.toFile(), "rw")) {
          // opened and closed
        }
      }
    } catch (IOException ignored) {
      // gone: nothing blocked on it any more
    }
  }
}
