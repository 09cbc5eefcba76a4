package dev.syncnode.worker.apply;

import dev.syncnode.manifest.PathRules;
import dev.syncnode.transport.TransportException.Kind;
import dev.syncnode.transport.TransportException;
import dev.syncnode.worker.IoReason;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive OS file lock on {@code <dest>/.syncnode/lock}, held for a whole sync. Within one
 * process concurrent syncs of a destination already share one run; this keeps two processes (a
 * worker node and the CLI, two CLIs, a CLI left running after its caller went away) from writing
 * the same destination at once. The OS drops the lock when the holder dies, even by kill -9.
 * Blocking: acquire and release on a worker thread.
 */
public final class DestinationLock implements AutoCloseable {
  private final FileChannel channel;
  private final FileLock lock;

  private DestinationLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /** @throws TransportException LOCAL_IO when another sync holds the destination or it is unusable */
  public static DestinationLock acquire(Path dest) {
    Path file = dest.resolve(PathRules.RESERVED_DIR).resolve("lock");
    FileChannel ch = null;
    String operation = "creating " + file.getParent();
    try {
      Files.createDirectories(file.getParent());
      operation = "opening the lock " + file;
      ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock l = ch.tryLock();
      if (l != null) {
        return new DestinationLock(ch, l);
      }
    } catch (OverlappingFileLockException heldHere) {
      // held by another run in this JVM: same answer
    } catch (IOException e) {
      close(ch);
      throw new TransportException(Kind.LOCAL_IO, IoReason.describe("prepare", dest, operation, e), e);
    }
    close(ch);
    throw new TransportException(Kind.LOCAL_IO,
        "another sync is writing " + dest + " (" + file + " is locked); nothing was changed");
  }

  @Override
  public void close() {
    try {
      lock.release();
    } catch (IOException | RuntimeException ignored) {
      // closing the channel releases it anyway
    }
    close(channel);
  }

  private static void close(FileChannel ch) {
    if (ch != null) {
      try {
        ch.close();
      } catch (IOException ignored) {
        // nothing to do
      }
    }
  }
}
