package dev.syncnode.worker.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.syncnode.config.NodeConfig;
import dev.syncnode.fs.Swaps;
import dev.syncnode.manifest.IgnoreRules;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stat-only fingerprint notices every local change a sync must repair, and nothing else. */
class LocalStateTest {
  @TempDir Path dest;
  final IgnoreRules ignore = IgnoreRules.of(NodeConfig.DEFAULT_IGNORE);

  String fp() throws Exception {
    return LocalState.fingerprint(dest, ignore);
  }

  @Test
  void fingerprintFollowsManagedChangesOnly() throws Exception {
    Files.createDirectories(dest.resolve("pkg/sub"));
    Path a = Files.writeString(dest.resolve("pkg/a.py"), "A = 1\n");
    Files.writeString(dest.resolve("main.py"), "print(1)\n");
    String base = fp();
    assertEquals(base, fp(), "stable");

    // ignored and reserved entries do not count
    Files.createDirectories(dest.resolve("pkg/__pycache__"));
    Files.writeString(dest.resolve("pkg/__pycache__/a.cpython-311.pyc"), "x");
    Files.createDirectories(dest.resolve(".syncnode/tmp"));
    Files.writeString(dest.resolve(".syncnode/tmp/x.part"), "x");
    assertEquals(base, fp());

    FileTime t = Files.getLastModifiedTime(a);
    Files.writeString(a, "A = 2\n"); // same size, new content
    assertNotEquals(base, fp());
    Files.writeString(a, "A = 1\n");
    Files.setLastModifiedTime(a, t);
    Path replacement = Files.writeString(dest.resolve("tmp-a"), "A = 1\n");
    Files.setLastModifiedTime(replacement, t);
    Files.move(replacement, a, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    assertNotEquals(base, fp(), "a replaced file has another inode even with the same size and mtime");
    String now = fp();

    Files.setPosixFilePermissions(a, PosixFilePermissions.fromString("rwxr-xr-x"));
    assertNotEquals(now, fp(), "chmod");
    now = fp();
    Files.createDirectories(dest.resolve("pkg/sub/new"));
    assertNotEquals(now, fp(), "new directory");
    now = fp();
    Files.delete(dest.resolve("main.py"));
    assertNotEquals(now, fp(), "deleted file");
  }

  @Test
  void stateIsTrustedOnlyWhileTheTreeMatches() throws Exception {
    Files.writeString(dest.resolve("x.txt"), "x");
    assertNull(LocalState.current(dest, "s1", ignore), "no state yet");
    LocalState.write(dest, new LocalState.State("s1", "d1", 1, fp()));
    LocalState.State s = LocalState.current(dest, "s1", ignore);
    assertNotNull(s);
    assertEquals("d1", s.digest());
    assertNull(LocalState.current(dest, "other", ignore), "another spider's state");
    Files.writeString(dest.resolve("y.txt"), "y");
    assertNull(LocalState.current(dest, "s1", ignore), "tree changed");
    Files.writeString(dest.resolve(".syncnode/state.json"), "{not json");
    assertNull(LocalState.read(dest));
    LocalState.delete(dest);
    assertNull(LocalState.read(dest));
  }
  @Test
  void aStateThatIsALinkAFifoOrHugeIsNotRead() throws Exception {
    LocalState.State s = new LocalState.State("spider", "d".repeat(64), 3, "fp");
    LocalState.write(dest, s);
    assertEquals(s, LocalState.read(dest));
    assertEquals(Files.getLastModifiedTime(LocalState.file(dest)).toMillis(), LocalState.readSaved(dest).atMs());
    Path state = LocalState.file(dest);
    Path elsewhere = Files.writeString(dest.resolveSibling(dest.getFileName() + "-state.json"),
        Files.readString(state));
    Files.delete(state);
    Files.createSymbolicLink(state, elsewhere);
    assertNull(LocalState.read(dest), "a link is not followed, even to a valid state");

    Files.delete(state);
    Files.writeString(state, Files.readString(elsewhere).replace("\"fp\"", "\"fp\"" + " ".repeat(LocalState.MAX_BYTES)));
    assertNull(LocalState.read(dest), "larger than any state a sync writes");

    Files.delete(state);
    org.junit.jupiter.api.Assumptions.assumeTrue(Swaps.fifosWork(dest.getParent()), "mkfifo is not available");
    assertTrue(Swaps.mkfifo(state));
    assertNull(CompletableFuture.supplyAsync(() -> LocalState.read(dest)).get(10, TimeUnit.SECONDS),
        "a FIFO is refused without waiting for a writer");
  }
}
