package dev.syncnode.worker.fetch;

import dev.syncnode.worker.apply.LocalApplier;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a destination's temp area ({@code .syncnode/tmp}) may keep for resuming between syncs: partial
 * and verified downloads at most {@link #MAX_AGE} old and {@link #MAX_BYTES} in total (the oldest go
 * first). A sync that failed for lack of space drops them all: keeping them would hold the disk full
 * until that spider syncs again. Blocking; called with the destination lock held.
 */
public final class Partials {
  private static final Logger LOG = LoggerFactory.getLogger(Partials.class);
  /** Most bytes of temp files kept for resuming, per destination. */
  public static final long MAX_BYTES = 4L * 1024 * 1024 * 1024;
  /** Temp files older than this are not worth resuming. */
  public static final Duration MAX_AGE = Duration.ofHours(24);
  /** How the operating system says "disk full" (ENOSPC); Java has no own exception for it. */
  static final String NO_SPACE = "No space left on device";

  private record Temp(Path path, long size, Instant modified) {}

  private Partials() {}

  /** Whether {@code err} (or a cause of it) is a write that failed for lack of space. */
  static boolean noSpace(Throwable err) {
    Throwable t = err;
    for (int depth = 0; t != null && depth < 16; depth++, t = t.getCause()) {
      String reason = t instanceof FileSystemException fse ? fse.getReason() : null;
      if (NO_SPACE.equals(reason) || String.valueOf(t.getMessage()).contains(NO_SPACE)) {
        return true;
      }
    }
    return false;
  }

  /** After a failed sync: without space, drop every temp file; otherwise keep what the bounds allow. */
  public static void afterFailure(Path tmpDir, Throwable err) throws IOException {
    if (noSpace(err)) {
      long freed = prune(tmpDir, null, 0, Duration.ZERO, Instant.now());
      LOG.warn("{}: no space left on the device; dropped {} bytes of partial downloads", tmpDir, freed);
    } else {
      prune(tmpDir, null, MAX_BYTES, MAX_AGE, Instant.now());
    }
  }

  /**
   * Deletes temp files (directly in {@code tmpDir} or one level below) whose name is not in {@code keep}
   * (null: any name may stay), or older than {@code maxAge}, then the oldest until the rest take at most
   * {@code maxBytes}; empty sub-directories go too.
   *
   * @return bytes freed by the bounds (not counting names no longer wanted)
   */
  public static long prune(Path tmpDir, Set<String> keep, long maxBytes, Duration maxAge, Instant now)
      throws IOException {
    if (!Files.isDirectory(tmpDir, LinkOption.NOFOLLOW_LINKS)) {
      return 0;
    }
    List<Temp> temps = new ArrayList<>();
    List<Path> dirs = new ArrayList<>();
    list(tmpDir, temps, dirs, true);
    temps.sort(Comparator.comparing(Temp::modified).reversed()); // newest first: they are kept
    Instant oldest = now.minus(maxAge);
    long kept = 0;
    long freed = 0;
    for (Temp t : temps) {
      boolean wanted = keep == null || keep.contains(t.path().getFileName().toString());
      if (wanted && t.modified().isAfter(oldest) && kept + t.size() <= maxBytes) {
        kept += t.size();
      } else if (Files.deleteIfExists(t.path()) && wanted) {
        freed += t.size();
      }
    }
    for (Path d : dirs) {
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(d)) {
        if (!ds.iterator().hasNext()) {
          Files.delete(d);
        }
      } catch (NoSuchFileException gone) {
        // removed meanwhile
      }
    }
    if (freed > 0) {
      LOG.info("{}: dropped {} bytes of partial downloads (older than {} or beyond {} bytes)", tmpDir, freed,
          maxAge, maxBytes);
    }
    return freed;
  }

  private static void list(Path dir, List<Temp> temps, List<Path> dirs, boolean top) throws IOException {
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (a.isDirectory() && top) {
          dirs.add(p);
          list(p, temps, dirs, false);
        } else if (a.isDirectory()) {
          LocalApplier.deleteRecursively(p); // nothing of ours is nested deeper
        } else {
          temps.add(new Temp(p, a.size(), a.lastModifiedTime().toInstant()));
        }
      }
    }
  }
}
