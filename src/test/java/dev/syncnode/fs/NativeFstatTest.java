package dev.syncnode.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where files are opened by descriptor, their attributes come from one fstat and match a stat by name. */
class NativeFstatTest {
  @TempDir
  Path dir;

  @Test
  void fstatOfTheOpenFileMatchesStatByName() throws Exception {
    Path f = Files.writeString(dir.resolve("a.txt"), "hello");
    Path root = dir.toRealPath();
    try (ConfinedFile c = ConfinedFile.open(f, root)) {
      assertEquals(ConfinedFile.safe(), NativeOpen.fstatAvailable(), "fstat is there wherever the native open is");
      BasicFileAttributes byName = Files.readAttributes(f, BasicFileAttributes.class);
      assertEquals(FileIdentity.of(c.realPath(), byName), FileIdentity.of(c.realPath(), c.attributes()));
      assertEquals(FileIdentity.of(c.realPath(), byName), FileIdentity.of(c.realPath(), c.current()));
      if (NativeOpen.fstatAvailable()) {
        assertEquals(1, NativeOpen.links(c.current()));
        Files.createLink(dir.resolve("b.txt"), f);
        assertEquals(2, NativeOpen.links(c.current()));
      }
      assertTrue(c.current().isRegularFile());
    }
  }
}
