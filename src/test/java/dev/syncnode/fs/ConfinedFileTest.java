package dev.syncnode.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The confined-open primitive on real files: what it refuses, and that all it gives comes from the opened file. */
class ConfinedFileTest {
  @TempDir Path tmp;
  Path root;
  Path secret;

  @BeforeEach
  void setUp() throws IOException {
    root = Files.createDirectories(tmp.resolve("root")).toRealPath();
    secret = Files.writeString(Files.createDirectories(tmp.resolve("outside")).resolve("secret.txt"), "SECRET");
    Files.createDirectories(root.resolve("dir"));
    Files.writeString(root.resolve("dir/file.txt"), "inside");
    Files.createSymbolicLink(root.resolve("link-in"), Path.of("dir/file.txt"));
    Files.createSymbolicLink(root.resolve("link-out"), secret);
    Files.createSymbolicLink(root.resolve("dir-in"), Path.of("dir"));
    Files.createSymbolicLink(root.resolve("dir-out"), secret.getParent());
  }

  @Test
  void theSafePathIsActiveInTheTestJvm() {
    // the build passes --add-opens java.base/sun.nio.fs to the tests: without it they would only
    // exercise the fallback, which a FIFO can block
    assertNull(NativeOpen.UNAVAILABLE, "native open unavailable");
    assertTrue(ConfinedFile.safe());
  }

  static String read(ConfinedFile f) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(64);
    f.channel().read(buf, 0);
    return new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8);
  }

  @Test
  void opensARegularFileAndNamesWhereItReallyIs() throws Exception {
    try (ConfinedFile f = ConfinedFile.open(root.resolve("dir/file.txt"), root)) {
      assertEquals("inside", read(f));
      assertEquals(root.resolve("dir/file.txt"), f.realPath());
      assertEquals(6, f.attributes().size());
      assertTrue(f.attributes().isRegularFile());
    }
    // a link to a directory on the way may be followed: the check is on what was opened
    try (ConfinedFile f = ConfinedFile.open(root.resolve("dir-in/file.txt"), root)) {
      assertEquals(root.resolve("dir/file.txt"), f.realPath());
    }
  }

  @Test
  void refusesFinalLinksDirectoriesAndAnythingOutside() {
    for (String name : new String[] {"link-in", "link-out", "dir", "dir-out/secret.txt", "missing"}) {
      assertThrows(IOException.class, () -> ConfinedFile.open(root.resolve(name), root), name);
    }
    assertThrows(IOException.class, () -> ConfinedFile.open(secret, root), "a file outside the root");
  }

  @Test
  void theFallbackRefusesTheSameAndReadsTheSame() throws Exception {
    try (ConfinedFile f = ConfinedFile.openByPath(root.resolve("dir-in/file.txt"), root)) {
      assertEquals("inside", read(f));
      assertEquals(root.resolve("dir/file.txt"), f.realPath());
      assertEquals(f.realPath(), f.servePath());
      assertEquals(6, f.current().size());
    }
    for (String name : new String[] {"link-in", "link-out", "dir", "dir-out/secret.txt", "missing"}) {
      assertThrows(IOException.class, () -> ConfinedFile.openByPath(root.resolve(name), root), name);
    }
  }

  @Test
  void aFifoIsRefusedWithoutWaitingForAWriter() throws Exception {
    assumeTrue(Swaps.fifosWork(tmp), "mkfifo is not available");
    Path fifo = root.resolve("fifo");
    assertTrue(Swaps.mkfifo(fifo));
    CompletableFuture<Throwable> opened = CompletableFuture.supplyAsync(() -> {
      try (ConfinedFile f = ConfinedFile.open(fifo, root)) {
        return null;
      } catch (Throwable t) {
        return t;
      }
    });
    try {
      Throwable t = opened.get(10, TimeUnit.SECONDS);
      assertTrue(t instanceof IOException, String.valueOf(t));
    } catch (java.util.concurrent.TimeoutException | ExecutionException e) {
      throw new AssertionError("opening a FIFO blocked", e);
    } finally {
      Swaps.unblock(fifo);
    }
  }

  @Test
  void everythingComesFromTheOpenedFileWhateverItsNameBecomes() throws Exception {
    Path file = root.resolve("dir/file.txt");
    try (ConfinedFile f = ConfinedFile.open(file, root)) {
      Swaps.toSymlink(file, secret);
      assertEquals("inside", read(f));
      assertEquals(6, f.current().size());
      try (FileChannel again = FileChannel.open(f.servePath(), StandardOpenOption.READ)) {
        ByteBuffer buf = ByteBuffer.allocate(64);
        again.read(buf);
        assertEquals("inside", new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8));
      }
    }
  }

  @Test
  void closingReleasesBothDescriptors() throws Exception {
    ConfinedFile f = ConfinedFile.open(root.resolve("dir/file.txt"), root);
    Path serve = f.servePath();
    f.close();
    f.close(); // twice is harmless
    assertThrows(IOException.class, f::current);
    assertTrue(!f.channel().isOpen());
    // the descriptor number is free again: it no longer names the file
    boolean stillNamed;
    try {
      stillNamed = Files.readSymbolicLink(serve).equals(root.resolve("dir/file.txt"));
    } catch (IOException gone) {
      stillNamed = false;
    }
    assertTrue(!stillNamed, "the raw descriptor was left open");
  }

  @Test
  void refusesAHardLinkToAnOutsideFileOnBothPaths() throws Exception {
    Path hard = Files.createLink(root.resolve("hard.txt"), secret);
    IOException safe = assertThrows(IOException.class, () -> ConfinedFile.open(hard, root));
    assertTrue(safe.getMessage().contains("hard link"), safe.getMessage());
    assertThrows(IOException.class, () -> ConfinedFile.openByPath(hard, root), "the fallback");
    // a worker reading its own destination may take it
    try (ConfinedFile f = ConfinedFile.open(hard, root, true)) {
      assertEquals("SECRET", read(f));
    }
    Files.delete(secret); // its only name left is inside: no longer a hard link
    try (ConfinedFile f = ConfinedFile.open(hard, root)) {
      assertEquals("SECRET", read(f));
    }
  }
}
