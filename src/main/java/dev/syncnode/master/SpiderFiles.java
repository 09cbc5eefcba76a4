package dev.syncnode.master;

import dev.syncnode.fs.ConfinedFile;
import dev.syncnode.manifest.IgnoreRules;
import dev.syncnode.manifest.PathRules;
import dev.syncnode.manifest.PathViolation;
import dev.syncnode.master.scan.ScanException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Opens the regular files of one spider for one request, with the verdicts of {@link SpiderPaths#file}.
 * Every file is opened once through {@link ConfinedFile} (no final symlink followed, no blocking on a
 * FIFO) and checked after the open: a regular file whose real location, the kernel's name for what was
 * opened, is inside the spider's real root and not hidden (ignored or reserved). Its size, content and
 * attributes then come from that descriptor, so a name swapped for a symlink or a FIFO after the check
 * changes nothing that is served. The spider root is resolved once per request.
 *
 * <p>The fast path opens the requested name directly. Whatever it does not plainly accept (a final
 * symlink, anything but a regular file, a real location that is hidden or outside, any error) goes
 * through {@link SpiderPaths#file}, so verdicts and error codes are exactly its own; the real path that
 * check resolves is then opened and checked the same way. Without the native open
 * ({@link ConfinedFile#safe()} false) every file takes that full check.
 *
 * <p>Blocking; used by one thread at a time; {@link #close} it when the request ends.
 */
public final class SpiderFiles implements AutoCloseable {
  /** Directory verdicts kept per request at most. */
  static final int MAX_DIR_VERDICTS = 1024;
  private final SpiderPaths paths;
  private final String spiderId;
  private final IgnoreRules ignore;
  /** Directories of this request's files, and whether the ignore rules hide them (or one above them). */
  private final Map<String, Boolean> dirVerdicts = new HashMap<>();
  private Path realRoot;
  private boolean rootTried;

  public SpiderFiles(SpiderPaths paths, String spiderId, IgnoreRules ignore) {
    this.paths = paths;
    this.spiderId = spiderId;
    this.ignore = ignore;
  }

  /**
   * Opens a regular file of the spider for reading.
   *
   * @throws ScanException as {@link SpiderPaths#file} does; NOT_FOUND when the file changed into
   *     something else between that check and the open
   */
  public ConfinedFile open(String relPath) throws IOException {
    ConfinedFile f = ConfinedFile.safe() ? openFast(relPath) : null;
    return f != null ? f : openChecked(relPath);
  }

  private ConfinedFile openChecked(String relPath) {
    Path real = paths.file(spiderId, relPath, ignore);
    String norm = PathRules.normalize(relPath); // valid: the check above passed
    ConfinedFile f = root() == null ? null : confined(real, null);
    if (f == null) {
      throw ScanException.notFound("no such file in spider " + spiderId + ": " + norm + " (changed while opened)");
    }
    return f;
  }

  /** The file opened on the fast path, or null when it needs the full check. */
  private ConfinedFile openFast(String relPath) {
    String norm;
    try {
      norm = PathRules.normalize(relPath);
    } catch (PathViolation e) {
      return null;
    }
    if (norm.isEmpty() || hidden(norm) || root() == null) {
      return null;
    }
    return confined(realRoot.resolve(norm), norm);
  }

  /**
   * {@code file} opened and checked (inside the root, not hidden), or null. {@code checked}: the
   * relative path already found not hidden (null if none), so a file opened where it was asked for
   * is not judged twice.
   */
  private ConfinedFile confined(Path file, String checked) {
    ConfinedFile f;
    try {
      f = ConfinedFile.open(file, realRoot);
    } catch (IOException e) {
      return null; // gone, a symlink, a FIFO, a directory, outside...
    }
    String realRel = PathRules.relative(realRoot, f.realPath());
    if (!realRel.equals(checked) && hidden(realRel)) {
      closeQuietly(f); // e.g. "dir-link/config" where dir-link -> .git
      return null;
    }
    return f;
  }

  /**
   * {@link SpiderPaths#hidden} of a file: the verdict on its directory (ignored itself or below an
   * ignored one) is kept for the request, so the files of one directory cost one match of the rules
   * against their own name each, not one per directory above them as well.
   */
  public boolean hidden(String norm) {
    int slash = norm.lastIndexOf('/');
    return slash > 0 && dirHidden(norm.substring(0, slash)) || ignore.isIgnored(norm, false)
        || PathRules.isReserved(norm);
  }

  private boolean dirHidden(String dir) {
    Boolean v = dirVerdicts.get(dir);
    if (v == null) {
      if (dirVerdicts.size() >= MAX_DIR_VERDICTS) {
        dirVerdicts.clear(); // a request naming that many directories only loses the shortcut
      }
      v = ignore.isIgnoredWithParents(dir, true);
      dirVerdicts.put(dir, v);
    }
    return v;
  }

  /** The spider's real root, resolved on the first call; null when it cannot be (the full check says why). */
  private Path root() {
    if (!rootTried) {
      rootTried = true;
      try {
        Path root = paths.spiderRoot(spiderId);
        if (Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
          realRoot = root.toRealPath();
        }
      } catch (IOException | ScanException e) {
        // every file takes the full check, which reports the problem
      }
    }
    return realRoot;
  }

  /** Closes a file of a spider: read-only, so nothing is lost when that fails. */
  public static void closeQuietly(ConfinedFile f) {
    try {
      f.close();
    } catch (IOException ignored) {
      // read-only
    }
  }

  /** Nothing is held between files any more; kept so callers scope a request's opens. */
  @Override
  public void close() {
    // files opened earlier stay open until their own close
  }
}
