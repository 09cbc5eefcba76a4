package dev.syncnode.manifest;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The list of entries of one spider (or one sub-directory of it), sorted by path, with its digest.
 * Immutable; shared freely between verticles.
 */
public record Manifest(String spiderId, String path, List<FileEntry> entries, String digest) {

  public static final Comparator<FileEntry> BY_PATH = Comparator.comparing(FileEntry::path);

  public Manifest {
    entries = List.copyOf(entries);
  }

  /** Builds a manifest from entries in any order: sorts them and computes the digest. */
  public static Manifest of(String spiderId, String path, List<FileEntry> entries) {
    List<FileEntry> sorted = new ArrayList<>(entries);
    sorted.sort(BY_PATH);
    return new Manifest(spiderId, path, sorted, ManifestDigest.of(sorted));
  }

  public int total() {
    return entries.size();
  }

  public long totalBytes() {
    long sum = 0;
    for (FileEntry e : entries) {
      sum += e.size();
    }
    return sum;
  }

  public long fileCount() {
    return entries.stream().filter(FileEntry::isFile).count();
  }
}
