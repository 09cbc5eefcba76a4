package dev.syncnode.manifest;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Takes a manifest's entries one at a time as they arrive from a master and checks each at once
 * ({@link ManifestValidator}'s rules), so a bad or oversized manifest is refused at its first bad
 * entry instead of after it has been collected whole. What the entries may cost is bounded by a
 * count and by {@link #cost bytes}; the checks that need the whole list (parents) run in
 * {@link #finish}.
 */
public final class ManifestCollector {
  /** Bytes counted per entry on top of its strings: about its fixed fields on the wire. */
  public static final int ENTRY_OVERHEAD = 32;

  private final long maxBytes;
  private final long maxEntries;
  private final Map<String, FileEntry> byPath = new HashMap<>();
  private final List<FileEntry> entries = new ArrayList<>();
  private long bytes;

  public ManifestCollector(long maxBytes, long maxEntries) {
    this.maxBytes = maxBytes;
    this.maxEntries = maxEntries;
  }

  /** What an entry counts against {@code sync.maxManifestBytes}: its strings plus a fixed overhead. */
  public static long cost(FileEntry e) {
    return ENTRY_OVERHEAD + length(e.path()) + length(e.hash()) + length(e.target());
  }

  /** @throws PathViolation if the entry is bad, or one too many for the limits */
  public void add(FileEntry e) {
    if (entries.size() >= maxEntries) {
      throw new PathViolation("manifest too large: more than " + maxEntries + " entries");
    }
    long c = cost(e);
    if (bytes + c > maxBytes) {
      throw new PathViolation("manifest too large: more than " + maxBytes
          + " bytes after " + entries.size() + " entries (sync.maxManifestBytes)");
    }
    ManifestValidator.checkEntry(e);
    if (byPath.putIfAbsent(e.path(), e) != null) {
      throw new PathViolation("duplicate manifest path: " + PathRules.printable(e.path()));
    }
    bytes += c;
    entries.add(e);
  }

  public int size() {
    return entries.size();
  }

  public long bytes() {
    return bytes;
  }

  /**
   * Checks that every entry's parent is a directory entry and returns the entries sorted by path.
   *
   * @throws PathViolation naming the first orphan
   */
  public List<FileEntry> finish() {
    for (FileEntry e : entries) {
      int slash = e.path().lastIndexOf('/');
      if (slash > 0) {
        FileEntry parent = byPath.get(e.path().substring(0, slash));
        if (parent == null || !parent.isDir()) {
          throw new PathViolation("entry without a parent directory in the manifest: "
              + PathRules.printable(e.path()));
        }
      }
    }
    List<FileEntry> sorted = new ArrayList<>(entries);
    sorted.sort(Manifest.BY_PATH);
    return sorted;
  }

  private static int length(String s) {
    return s == null ? 0 : s.length();
  }
}
