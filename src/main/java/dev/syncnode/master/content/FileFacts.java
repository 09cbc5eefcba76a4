package dev.syncnode.master.content;

import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.TimeUnit;

/**
 * What identifies one version of a file for the hash memo: real path, size, modification time (ns)
 * and file key (inode), the same "unchanged size+mtime" rule the scanner uses.
 */
public record FileFacts(Path path, long size, long mtimeNanos, Object fileKey) {

  /** The version of an open file: its real path and its attributes (fstat). */
  public static FileFacts of(Path realPath, BasicFileAttributes a) {
    return new FileFacts(realPath, a.size(), a.lastModifiedTime().to(TimeUnit.NANOSECONDS), a.fileKey());
  }
}
