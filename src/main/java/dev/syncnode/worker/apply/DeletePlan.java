package dev.syncnode.worker.apply;

import dev.syncnode.manifest.FileEntry;
import dev.syncnode.manifest.ManifestDiff;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Narrows a diff's deletes to what a sync may remove: a local entry where the master has another
 * entry (replaced by the master's version), or one an earlier sync installed that the master no
 * longer has. Every other local entry the master lacks is the user's and kept. Pure logic.
 *
 * @param diff the diff with only those deletes
 * @param kept local paths left alone, sorted
 */
public record DeletePlan(ManifestDiff diff, List<String> kept) {
  /** How many kept paths the log names before it gives only a count. */
  static final int LOGGED = 5;

  /** Local paths of the diff's deletes that the master does not have at all. */
  public static List<String> dropped(ManifestDiff diff, Set<String> remotePaths) {
    List<String> out = new ArrayList<>();
    for (FileEntry e : diff.deletes()) {
      if (!remotePaths.contains(e.path())) {
        out.add(e.path());
      }
    }
    return out;
  }

  /**
   * @throws IOException when a master path would replace a local directory holding kept entries:
   *     removing it would take the user's files with it
   */
  public static DeletePlan of(ManifestDiff diff, Set<String> remotePaths, Set<String> installed) throws IOException {
    List<FileEntry> deletes = new ArrayList<>();
    TreeSet<String> kept = new TreeSet<>();
    for (FileEntry e : diff.deletes()) {
      if (remotePaths.contains(e.path()) || installed.contains(e.path())) {
        deletes.add(e);
      } else {
        kept.add(e.path());
      }
    }
    for (FileEntry e : deletes) {
      if (e.isDir() && remotePaths.contains(e.path())) {
        String inside = kept.ceiling(e.path() + "/");
        if (inside != null && inside.startsWith(e.path() + "/")) {
          throw new IOException("the master has " + e.path() + " where this destination has a directory holding "
              + "files no sync installed (" + inside + "); move them away and sync again");
        }
      }
    }
    ManifestDiff narrowed = new ManifestDiff(diff.downloads(), deletes, diff.dirs(), diff.links(), diff.metadata(),
        diff.unchanged());
    return new DeletePlan(narrowed, List.copyOf(kept));
  }

  /** "a, b, c (and 7 more)": the first few paths, then a count. */
  public static String describe(Collection<String> paths) {
    StringBuilder sb = new StringBuilder();
    int n = 0;
    for (String p : paths) {
      if (n == LOGGED) {
        break;
      }
      sb.append(n++ == 0 ? "" : ", ").append(p);
    }
    if (paths.size() > LOGGED) {
      sb.append(" (and ").append(paths.size() - LOGGED).append(" more)");
    }
    return sb.toString();
  }
}
