package dev.syncnode.transport.http;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.TimeUnit;

/**
 * What identifies one version of a file for the hash memo: real path, size, modification time (ns)
 * and file key (inode), the same "unchanged size+mtime" rule the scanner uses.
 */
record FileFacts(Path path, long size, long mtimeNanos, Object fileKey) {

  /** Blocking: reads the attributes of an already confined, resolved file. */
  static FileFacts of(Path file) throws IOException {
    BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    return new FileFacts(file, a.size(), a.lastModifiedTime().to(TimeUnit.NANOSECONDS), a.fileKey());
  }
}
