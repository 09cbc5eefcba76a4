package dev.syncnode.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import org.junit.jupiter.api.Test;

/** The OS reason survives Java's path-only exception messages. */
class IoReasonTest {
  @Test
  void pathOnlyExceptionsGetTheirReasonFromTheClass() {
    assertEquals("ro/mirror: Permission denied", IoReason.of(new AccessDeniedException("ro/mirror")));
    assertEquals("a -> b: No such file or directory", IoReason.of(new NoSuchFileException("a", "b", null)));
    assertEquals("cannot prepare ro/mirror: creating ro/mirror/.syncnode: ro/mirror: Permission denied",
        IoReason.describe("prepare", "ro/mirror", "creating ro/mirror/.syncnode", new AccessDeniedException("ro/mirror")));
  }

  @Test
  void aReasonGivenByTheOsIsKept() {
    assertEquals("x: Read-only file system", IoReason.of(new FileSystemException("x", null, "Read-only file system")));
    assertEquals("disk full", IoReason.of(new IOException("disk full")));
  }
}
