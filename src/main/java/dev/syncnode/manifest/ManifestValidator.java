package dev.syncnode.manifest;

import java.util.List;

/**
 * The worker's check of a manifest received from a master, trusted or not. A manifest passes only
 * if applying it cannot write outside the destination or leave an ambiguous tree:
 *
 * <ul>
 *   <li>every path is relative, normalised, short enough, and outside the reserved area;
 *   <li>no path appears twice (so never a file and a dir at one path);
 *   <li>every entry's parent is a directory entry of the manifest (so nothing is written through a
 *       symlink);
 *   <li>sizes are non-negative and below a limit, file hashes are SHA-256 hex;
 *   <li>symlink targets are relative, normalised and stay inside the destination.
 * </ul>
 */
public final class ManifestValidator {
  /** Largest single file accepted (1 TiB). */
  public static final long MAX_FILE_SIZE = 1L << 40;

  private ManifestValidator() {}

  /** @throws PathViolation naming the first offending entry */
  public static void validate(List<FileEntry> entries) {
    ManifestCollector all = new ManifestCollector(Long.MAX_VALUE, Long.MAX_VALUE);
    for (FileEntry e : entries) {
      all.add(e);
    }
    all.finish();
  }

  /** The checks of one entry on its own (all but duplicates and parents). */
  static void checkEntry(FileEntry e) {
    String p = e.path();
    if (p == null || p.isEmpty()) {
      throw new PathViolation("manifest entry with an empty path");
    }
    String norm = PathRules.normalize(p);
    if (!norm.equals(p)) {
      throw new PathViolation("manifest path not normalised: " + PathRules.printable(p));
    }
    if (PathRules.isReserved(p)) {
      throw new PathViolation("manifest path in the reserved area: " + PathRules.printable(p));
    }
    if (e.type() == null) {
      throw new PathViolation("manifest entry without a type: " + PathRules.printable(p));
    }
    if (e.size() < 0 || e.size() > MAX_FILE_SIZE) {
      throw new PathViolation("absurd size " + e.size() + " for " + PathRules.printable(p));
    }
    if (e.mode() < 0 || e.mode() > 07777) {
      throw new PathViolation("bad mode " + e.mode() + " for " + PathRules.printable(p));
    }
    if (e.type() == EntryType.FILE && !isSha256Hex(e.hash())) {
      throw new PathViolation("file without a valid SHA-256: " + PathRules.printable(p));
    }
    if (e.type() == EntryType.SYMLINK
        && (!PathRules.linkStaysInside(p, e.target()) || !PathRules.isNormalLinkTarget(e.target()))) {
      throw new PathViolation("symlink points outside the destination: " + PathRules.printable(p)
          + " -> " + PathRules.printable(e.target()));
    }
  }

  static boolean isSha256Hex(String s) {
    if (s == null || s.length() != 64) {
      return false;
    }
    for (int i = 0; i < 64; i++) {
      char c = s.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }
}
