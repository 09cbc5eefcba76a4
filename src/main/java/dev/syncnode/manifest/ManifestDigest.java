package dev.syncnode.manifest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The manifest digest: a Merkle-style root over the sorted entries. Each entry contributes the hash
 * of its canonical line (type, path, size, mode, content hash, link target; not mtime, so a touch
 * does not count as a change); leaves are combined pairwise up to one root. Two sides compare trees
 * in O(1) by comparing roots. An empty manifest has the hash of the empty string as digest.
 */
public final class ManifestDigest {
  private static final HexFormat HEX = HexFormat.of();

  private ManifestDigest() {}

  /** Digest of entries that are already sorted by path. */
  public static String of(List<FileEntry> sortedEntries) {
    MessageDigest md = sha256();
    if (sortedEntries.isEmpty()) {
      return HEX.formatHex(md.digest());
    }
    List<byte[]> level = new ArrayList<>(sortedEntries.size());
    for (FileEntry e : sortedEntries) {
      md.update(canonical(e).getBytes(StandardCharsets.UTF_8));
      level.add(md.digest());
    }
    while (level.size() > 1) {
      List<byte[]> next = new ArrayList<>((level.size() + 1) / 2);
      for (int i = 0; i < level.size(); i += 2) {
        md.update(level.get(i));
        if (i + 1 < level.size()) {
          md.update(level.get(i + 1));
        }
        next.add(md.digest());
      }
      level = next;
    }
    return HEX.formatHex(level.get(0));
  }

  static String canonical(FileEntry e) {
    return e.type().wireName() + '\0' + e.path() + '\0' + e.size() + '\0'
        + Integer.toOctalString(e.mode()) + '\0' + e.hash() + '\0' + e.target();
  }

  /** A new SHA-256 digest: the one hash of the project (contents, manifests, blocks, tokens). */
  public static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 not available", e);
    }
  }
}
