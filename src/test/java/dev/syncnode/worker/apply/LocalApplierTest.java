package dev.syncnode.worker.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.syncnode.manifest.FileEntry;
import dev.syncnode.manifest.ManifestDiff;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Installing verified temp files: one rename each, and what happens when something is in the way. */
class LocalApplierTest {
  @TempDir Path dest;
  Path tmp;

  @BeforeEach
  void setUp() throws IOException {
    tmp = Files.createDirectories(dest.resolve(".syncnode/tmp"));
  }

  static ManifestDiff downloads(FileEntry... files) {
    return new ManifestDiff(List.of(files), List.of(), List.of(), List.of(), List.of(), 0);
  }

  @Test
  void aDirectoryInTheWayOfAFileIsReplaced() throws Exception {
    Files.createDirectories(dest.resolve("x/inner"));
    Files.writeString(dest.resolve("x/inner/old.txt"), "old");
    Path part = Files.writeString(tmp.resolve("h1.part"), "new content");
    FileEntry x = FileEntry.file("x", 11, 0644, 1_700_000_000_000L, "h1");

    new LocalApplier(dest, tmp).apply(downloads(x), Map.of("h1", part));

    assertTrue(Files.isRegularFile(dest.resolve("x"), LinkOption.NOFOLLOW_LINKS));
    assertEquals("new content", Files.readString(dest.resolve("x")));
    assertEquals(1_700_000_000_000L, Files.getLastModifiedTime(dest.resolve("x")).toMillis());
    assertFalse(Files.exists(part));
  }

  @Test
  void anExistingFileIsReplacedAtomically() throws Exception {
    Files.writeString(dest.resolve("a.txt"), "old");
    Path part = Files.writeString(tmp.resolve("h2.part"), "fresh");
    new LocalApplier(dest, tmp).apply(downloads(FileEntry.file("a.txt", 5, 0600, 1_600_000_000_000L, "h2")),
        Map.of("h2", part));
    assertEquals("fresh", Files.readString(dest.resolve("a.txt")));
    assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
        Files.getPosixFilePermissions(dest.resolve("a.txt"))));
  }

  @Test
  void noFileIsWrittenThroughASymlinkedDirectoryAtAnyDepth(@TempDir Path outside) throws Exception {
    Files.createDirectories(dest.resolve("a"));
    Files.createSymbolicLink(dest.resolve("a/b"), outside);
    Files.createSymbolicLink(dest.resolve("top"), outside);
    for (String path : new String[] {"a/b/evil.txt", "a/b/c/evil.txt", "top/evil.txt"}) {
      Path part = Files.writeString(tmp.resolve("h.part"), "evil");
      LocalApplier applier = new LocalApplier(dest, tmp);
      IOException e = assertThrows(IOException.class,
          () -> applier.apply(downloads(FileEntry.file(path, 4, 0644, 1L, "h")), Map.of("h", part)), path);
      assertTrue(e.getMessage().contains("symlink") || e.getMessage().contains("missing"), e.getMessage());
    }
    try (var s = Files.list(outside)) {
      assertEquals(0, s.count(), "nothing written outside the destination");
    }
  }

  @Test
  void filesGoIntoRealDirectoriesAtAnyDepth() throws Exception {
    Files.createDirectories(dest.resolve("a/b/c"));
    Path one = Files.writeString(tmp.resolve("h1.part"), "one");
    Path two = Files.writeString(tmp.resolve("h2.part"), "two");
    new LocalApplier(dest, tmp).apply(downloads(FileEntry.file("a/b/c/one.txt", 3, 0644, 1L, "h1"),
        FileEntry.file("a/two.txt", 3, 0644, 1L, "h2")), Map.of("h1", one, "h2", two));
    assertEquals("one", Files.readString(dest.resolve("a/b/c/one.txt")));
    assertEquals("two", Files.readString(dest.resolve("a/two.txt")));
  }
}
