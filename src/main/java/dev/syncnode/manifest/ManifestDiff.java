package dev.syncnode.manifest;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a worker must do to turn its local tree into the master's: pure computation on two entry
 * lists.
 *
 * @param downloads files that are missing locally or whose content differs
 * @param deletes local entries the master does not have (or has with another type), deepest first
 * @param dirs directories to create, parents first
 * @param links symlinks to (re)create
 * @param metadata files whose content is equal but whose mode differs (chmod only)
 * @param unchanged number of remote entries already up to date
 */
public record ManifestDiff(
    List<FileEntry> downloads,
    List<FileEntry> deletes,
    List<FileEntry> dirs,
    List<FileEntry> links,
    List<FileEntry> metadata,
    int unchanged) {

  /** Deepest first, so children go before their directory. */
  public static final Comparator<FileEntry> DEEPEST_FIRST =
      Comparator.comparingInt((FileEntry e) -> depth(e.path()))
          .reversed()
          .thenComparing(FileEntry::path, Comparator.reverseOrder());

  public static ManifestDiff compute(List<FileEntry> remote, List<FileEntry> local) {
    Map<String, FileEntry> localByPath = new HashMap<>(local.size() * 2);
    for (FileEntry e : local) {
      localByPath.put(e.path(), e);
    }
    Map<String, FileEntry> remoteByPath = new HashMap<>(remote.size() * 2);
    for (FileEntry e : remote) {
      remoteByPath.put(e.path(), e);
    }
    List<FileEntry> downloads = new ArrayList<>();
    List<FileEntry> deletes = new ArrayList<>();
    List<FileEntry> dirs = new ArrayList<>();
    List<FileEntry> links = new ArrayList<>();
    List<FileEntry> metadata = new ArrayList<>();
    int unchanged = 0;

    for (FileEntry r : remote) {
      FileEntry l = localByPath.get(r.path());
      if (l != null && l.type() != r.type()) {
        deletes.add(l);
        l = null;
      }
      switch (r.type()) {
        case DIR:
          if (l == null) {
            dirs.add(r);
          } else if (l.mode() != r.mode()) {
            metadata.add(r);
          } else {
            unchanged++;
          }
          break;
        case SYMLINK:
          if (l == null || !l.target().equals(r.target())) {
            if (l != null) {
              deletes.add(l);
            }
            links.add(r);
          } else {
            unchanged++;
          }
          break;
        default:
          if (l == null || !l.sameContent(r)) {
            downloads.add(r);
          } else if (l.mode() != r.mode()) {
            metadata.add(r);
          } else {
            unchanged++;
          }
      }
    }
    for (FileEntry l : local) {
      if (!remoteByPath.containsKey(l.path())) {
        deletes.add(l);
      }
    }
    deletes.sort(DEEPEST_FIRST);
    dirs.sort(Comparator.comparingInt((FileEntry e) -> depth(e.path())).thenComparing(FileEntry::path));
    return new ManifestDiff(downloads, deletes, dirs, links, metadata, unchanged);
  }

  public boolean isEmpty() {
    return downloads.isEmpty() && deletes.isEmpty() && dirs.isEmpty() && links.isEmpty()
        && metadata.isEmpty();
  }

  public long downloadBytes() {
    long sum = 0;
    for (FileEntry e : downloads) {
      sum += e.size();
    }
    return sum;
  }

  static int depth(String path) {
    int d = 0;
    for (int i = 0; i < path.length(); i++) {
      if (path.charAt(i) == '/') {
        d++;
      }
    }
    return d;
  }
}
