package dev.syncnode.worker.apply;

import dev.syncnode.manifest.ManifestDiff;
import dev.syncnode.manifest.PathRules;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The paths syncs installed in a destination ({@code <dest>/.syncnode/installed}, one path a line
 * after a header): the only paths a later sync may delete when the master drops them. Everything
 * else there (crawler output, logs, an adopted directory's files) is the user's and stays. Unlike
 * {@code state.json} it is not removed before a sync changes the tree: it is rewritten as the union
 * of the old set and the new manifest before the apply, and exactly after it, so a failed sync
 * forgets nothing it may have installed. Blocking.
 */
public final class InstalledSet {
  static final String FILE = "installed";
  private static final String HEADER = "syncnode-installed 1";

  private InstalledSet() {}

  static Path file(Path dest) {
    return dest.resolve(PathRules.RESERVED_DIR).resolve(FILE);
  }

  /**
   * What is known to be installed among {@code candidates} (local paths the master no longer has).
   * <ul>
   *   <li>a current state (version 2), or none but a set left by a failed sync: the recorded set;
   *   <li>a version-1 state (an older release synced last and kept no set): the candidates whose
   *       inode change time is before that state was written. The tree was exactly the master's
   *       then, so they were the master's; anything created or touched since may be the user's;
   *   <li>no state and no set (a new or adopted directory): nothing, everything is kept.
   * </ul>
   */
  public static Set<String> load(Path dest, LocalState.State stored, Collection<String> candidates) throws IOException {
    if (stored != null && !stored.tracksInstalled()) {
      return olderThanState(dest, candidates);
    }
    Set<String> recorded = read(dest);
    return recorded == null ? Set.of() : recorded;
  }

  /** The recorded set, or null when there is none (or it is not ours). */
  static Set<String> read(Path dest) throws IOException {
    List<String> lines;
    try {
      lines = Files.readAllLines(file(dest), StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return null;
    }
    if (lines.isEmpty() || !HEADER.equals(lines.get(0))) {
      return null;
    }
    Set<String> out = new HashSet<>(lines.size() * 2);
    for (int i = 1; i < lines.size(); i++) {
      if (!lines.get(i).isEmpty()) {
        out.add(lines.get(i));
      }
    }
    return out;
  }

  /** Writes the set atomically (temp file + rename), sorted so it reads well. */
  static void write(Path dest, Collection<String> paths) throws IOException {
    Path f = file(dest);
    Files.createDirectories(f.getParent());
    Path tmp = f.resolveSibling(FILE + ".tmp");
    try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
      w.write(HEADER);
      w.write('\n');
      for (String p : new TreeSet<>(paths)) {
        w.write(p);
        w.write('\n');
      }
    }
    Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /**
   * Applies {@code diff} (see {@link LocalApplier}) with the set kept true throughout: before anything
   * changes it also holds whatever this apply may install, so an apply failing halfway forgets
   * nothing; afterwards it is the manifest plus the dropped directories a user's file kept.
   *
   * @return those directories
   */
  public static List<String> applyRecording(Path dest, Path tmpDir, ManifestDiff diff, Map<String, Path> staged,
      Set<String> remotePaths, Set<String> installedBefore) throws IOException {
    if (!diff.isEmpty()) {
      Set<String> union = new HashSet<>(installedBefore);
      union.addAll(remotePaths);
      write(dest, union);
    }
    LocalState.delete(dest);
    List<String> nonEmpty = new LocalApplier(dest, tmpDir).apply(diff, staged);
    Set<String> now = new HashSet<>(remotePaths);
    now.addAll(nonEmpty); // still ours: removed once the user's files inside are gone
    write(dest, now);
    return nonEmpty;
  }

  private static Set<String> olderThanState(Path dest, Collection<String> candidates) throws IOException {
    FileTime written;
    try {
      written = Files.getLastModifiedTime(LocalState.file(dest));
    } catch (NoSuchFileException e) {
      return Set.of();
    }
    Set<String> out = new HashSet<>();
    for (String rel : candidates) {
      try {
        Object ctime = Files.getAttribute(dest.resolve(rel), "unix:ctime", LinkOption.NOFOLLOW_LINKS);
        if (ctime instanceof FileTime t && t.compareTo(written) < 0) {
          out.add(rel);
        }
      } catch (UnsupportedOperationException | IllegalArgumentException noCtime) {
        return Set.of(); // no inode change time here: without knowledge, keep
      } catch (NoSuchFileException gone) {
        // removed meanwhile: nothing to decide
      }
    }
    return out;
  }
}
