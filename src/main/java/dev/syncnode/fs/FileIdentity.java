package dev.syncnode.fs;

import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.TimeUnit;

/**
 * One version of a file: real path, size, modification time (ns) and file key (inode), the same
 * "unchanged size+mtime" rule the scanner uses. What is derived from a file's content is cached under it.
 */
public record FileIdentity(Path path, long size, long mtimeNanos, Object fileKey) {

  /** The version of an open file: its real path and its attributes (fstat). */
  public static FileIdentity of(Path realPath, BasicFileAttributes a) {
    return new FileIdentity(realPath, a.size(), a.lastModifiedTime().to(TimeUnit.NANOSECONDS), a.fileKey());
  }
}
