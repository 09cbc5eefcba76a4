package dev.syncnode.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A destination the worker cannot prepare: the message names the operation and the OS reason. */
class LocalIoErrorIT {
  @TempDir Path tmp;

  @Test
  void aFileWhereTheReservedDirectoryBelongsIsSaidPlainly() throws Exception {
    Workspaces dirs = Workspaces.withSampleSpider(tmp);
    Path dest = dirs.dest();
    Trees.write(dest, ".syncnode", "not a directory");
    try (Cluster cluster = dirs.start()) {
      try {
        cluster.sync("spider1", null);
        fail("the sync should fail");
      } catch (Exception e) {
        String m = e.getMessage();
        assertTrue(m.contains("cannot prepare " + dest + ": creating " + dest.resolve(".syncnode") + ": "), m);
        assertTrue(m.endsWith(dest.resolve(".syncnode") + ": File exists"), m);
      }
    }
    assertEquals("not a directory", Files.readString(dest.resolve(".syncnode")));
  }
}
