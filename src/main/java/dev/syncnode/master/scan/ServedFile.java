package dev.syncnode.master.scan;

import dev.syncnode.manifest.FileEntry;
import dev.syncnode.manifest.Manifest;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;

/**
 * "This file was just served, and this is its size and mtime now": told to the scan cache through
 * {@code MasterService.served} once the bytes are out and before the stream ends. If a cached manifest of the spider
 * lists the file with another size or mtime, the file changed after the scan, so the cache drops the
 * spider's manifests: the worker, which will find a hash mismatch, asks again and gets a fresh scan
 * instead of the stale entry until the TTL runs out.
 *
 * @param spiderId the spider
 * @param path normalised path relative to the spider root
 */
public record ServedFile(String spiderId, String path, long size, long mtimeMs) {

  /** The file {@code relPath} of the spider as it is now ({@code a}: its attributes, read after serving it). */
  public static ServedFile of(String spiderId, String relPath, BasicFileAttributes a) {
    return new ServedFile(spiderId, relPath, a.size(), a.lastModifiedTime().toMillis());
  }

  /** Whether {@code m}, a manifest of the sub-directory {@code scanPath}, lists this file differently. */
  public boolean contradicts(Manifest m, String scanPath) {
    String rel;
    if (scanPath == null || scanPath.isEmpty()) {
      rel = path;
    } else if (path.startsWith(scanPath + "/")) {
      rel = path.substring(scanPath.length() + 1);
    } else {
      return false;
    }
    List<FileEntry> entries = m.entries();
    int lo = 0;
    int hi = entries.size() - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      int cmp = entries.get(mid).path().compareTo(rel);
      if (cmp < 0) {
        lo = mid + 1;
      } else if (cmp > 0) {
        hi = mid - 1;
      } else {
        FileEntry e = entries.get(mid);
        return e.isFile() && (e.size() != size || e.mtime() != mtimeMs);
      }
    }
    return false;
  }
}
