package dev.syncnode.manifest;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The list of entries of one spider (or one sub-directory of it), sorted by path, with its digest.
 * {@code skipped}: entries the master left out (not part of the digest), of which a transport lists the
 * first {@link Skipped#MAX_LISTED}; {@code skippedTotal} counts them all. Immutable; shared freely
 * between verticles.
 */
public record Manifest(String spiderId, String path, List<FileEntry> entries, String digest, List<Skipped> skipped,
    long skippedTotal) {

  public static final Comparator<FileEntry> BY_PATH = Comparator.comparing(FileEntry::path);

  public Manifest {
    entries = List.copyOf(entries);
    skipped = skipped == null ? List.of() : List.copyOf(skipped);
    skippedTotal = Math.max(skippedTotal, skipped.size());
  }

  public Manifest(String spiderId, String path, List<FileEntry> entries, String digest) {
    this(spiderId, path, entries, digest, List.of(), 0);
  }

  /** All skipped entries, as the scanner found them. */
  public Manifest withSkipped(List<Skipped> all) {
    return withSkipped(all, all.size());
  }

  /** {@code listed}: the first ones, by name; {@code total}: how many there are (a transport lists a few). */
  public Manifest withSkipped(List<Skipped> listed, long total) {
    return new Manifest(spiderId, path, entries, digest, listed, total);
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

  public long fileCount() {
    return entries.stream().filter(FileEntry::isFile).count();
  }

  /** The entry at {@code path} (normalised), or null: entries are sorted by path, so this is a binary search. */
  public FileEntry entry(String path) {
    int lo = 0;
    int hi = entries.size() - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      int c = entries.get(mid).path().compareTo(path);
      if (c == 0) {
        return entries.get(mid);
      } else if (c < 0) {
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return null;
  }

  /** The sizes of the files added up (directories and links count 0). */
  public long fileBytes() {
    return entries.stream().filter(FileEntry::isFile).mapToLong(FileEntry::size).sum();
  }
}
