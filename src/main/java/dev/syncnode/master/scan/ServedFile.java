package dev.syncnode.master.scan;

import dev.syncnode.bus.Addresses;
import dev.syncnode.manifest.FileEntry;
import dev.syncnode.manifest.Manifest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * "This file was just served, and this is its size and mtime now": sent by a download endpoint to the
 * scan cache once the bytes are out and before the stream ends. If a cached manifest of the spider
 * lists the file with another size or mtime, the file changed after the scan, so the cache drops the
 * spider's manifests: the worker, which will find a hash mismatch, asks again and gets a fresh scan
 * instead of the stale entry until the TTL runs out.
 *
 * @param spiderId the spider
 * @param path normalised path relative to the spider root
 */
public record ServedFile(String spiderId, String path, long size, long mtimeMs) {

  /**
   * Stats the served file with {@code stat} (off the event loop: the open file's fstat) and tells the
   * scan cache, waiting for its answer so the cache is up to date before the caller ends the download.
   * Never fails: without a cache (or if the file went away) there is nothing to correct.
   */
  public static Future<Void> report(Vertx vertx, String spiderId, String relPath, Callable<BasicFileAttributes> stat) {
    return vertx.executeBlocking(() -> {
          BasicFileAttributes a = stat.call();
          return new ServedFile(spiderId, relPath, a.size(), a.lastModifiedTime().toMillis());
        }, false)
        .compose(sf -> vertx.eventBus().request(Addresses.CACHE_SERVED, sf))
        .<Void>mapEmpty()
        .recover(err -> Future.succeededFuture());
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
