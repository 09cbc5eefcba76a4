package dev.syncnode.master;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.syncnode.config.NodeConfig;
import dev.syncnode.fs.ConfinedFile;
import dev.syncnode.fs.Scanner;
import dev.syncnode.fs.Swaps;
import dev.syncnode.manifest.FileEntry;
import dev.syncnode.manifest.IgnoreRules;
import dev.syncnode.manifest.ManifestDigest;
import dev.syncnode.master.scan.ScanException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A spider file swapped for a symlink to an outside secret or for a FIFO at the worst moment (after
 * every check by name, just before the open) is refused promptly by {@link SpiderFiles} on both of its
 * paths and by the {@link Scanner}'s hashing: never the secret's bytes or hash, never a blocked thread.
 */
class SwappedFilesTest {
  static final IgnoreRules DEFAULTS = IgnoreRules.of(NodeConfig.DEFAULT_IGNORE);
  static final String SECRET = "TOP-SECRET-OUTSIDE";
  static final long BOUND_SECONDS = 10;

  @TempDir Path tmp;
  Path spider;
  Path secret;
  SpiderPaths paths;
  final ExecutorService pool = Executors.newCachedThreadPool();

  @BeforeEach
  void setUp() throws IOException {
    Path ws = Files.createDirectories(tmp.resolve("ws"));
    secret = Files.writeString(Files.createDirectories(tmp.resolve("outside")).resolve("secret.txt"), SECRET);
    spider = Files.createDirectories(ws.resolve("s"));
    Files.createDirectories(spider.resolve("a"));
    Files.writeString(spider.resolve("a/one.txt"), "one");
    Files.writeString(spider.resolve("top.txt"), "top");
    Files.createSymbolicLink(spider.resolve("link-in"), Path.of("a/one.txt"));
    paths = new SpiderPaths(ws);
  }

  @AfterEach
  void tearDown() {
    Swaps.unblock(spider.resolve("a/one.txt"));
    pool.shutdownNow();
  }

  /** Runs {@code task} on another thread, giving up after {@link #BOUND_SECONDS}: a blocked open fails the test. */
  <T> T bounded(Callable<T> task) throws Exception {
    Future<T> f = pool.submit(task);
    try {
      return f.get(BOUND_SECONDS, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("still blocked after " + BOUND_SECONDS + " s", e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception ex ? ex : e;
    }
  }

  String read(String rel) throws Exception {
    return bounded(() -> {
      try (SpiderFiles files = new SpiderFiles(paths, "s", DEFAULTS); ConfinedFile f = files.open(rel)) {
        ByteBuffer buf = ByteBuffer.allocate(64);
        f.channel().read(buf, 0);
        return new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8);
      }
    });
  }

  @Test
  void aFifoSwappedInJustBeforeTheOpenIsRefusedNotWaitedFor() throws Exception {
    assumeTrue(Swaps.fifosWork(tmp), "mkfifo is not available");
    Path file = spider.resolve("a/one.txt");
    try (AutoCloseable hook = Swaps.beforeOpen(Swaps.once(file, () -> Swaps.toFifo(file)))) {
      ScanException e = assertThrows(ScanException.class, () -> read("a/one.txt"));
      assertEquals(ScanException.Kind.NOT_FOUND, e.kind());
    }
    assertEquals("top", read("top.txt"), "the next file of the spider is served");
  }

  @Test
  void aSymlinkSwappedInJustBeforeTheOpenOfTheCheckedRealPathIsRefused() throws Exception {
    // "link-in" is a symlink: the full check resolves it to a/one.txt, which is then swapped for a link out
    Path file = spider.resolve("a/one.txt");
    try (AutoCloseable hook = Swaps.beforeOpen(Swaps.once(file, () -> Swaps.toSymlink(file, secret)))) {
      String got;
      try {
        got = read("link-in");
      } catch (ScanException refused) {
        got = "refused: " + refused;
      }
      assertFalse(got.contains(SECRET), got);
      assertTrue(got.startsWith("refused"), got);
    }
  }

  @Test
  void aFileTurnedIntoAFifoBetweenWalkAndHashFailsTheScanPromptly() throws Exception {
    assumeTrue(Swaps.fifosWork(tmp), "mkfifo is not available");
    Path file = spider.resolve("a/one.txt");
    Scanner scanner = new Scanner();
    try (AutoCloseable hook = Swaps.beforeOpen(Swaps.once(file, () -> Swaps.toFifo(file)))) {
      IOException e = assertThrows(IOException.class, () -> bounded(() -> scanner.scan("s", spider, "", DEFAULTS)));
      assertTrue(String.valueOf(e.getMessage()).contains("a/one.txt"), String.valueOf(e.getMessage()));
    }
    // the next scan sees the FIFO in the walk and leaves it out
    assertEquals(null, bounded(() -> scanner.scan("s", spider, "", DEFAULTS)).manifest().entries().stream()
        .filter(en -> en.path().equals("a/one.txt")).findFirst().orElse(null));
  }

  @Test
  void aFileTurnedIntoASymlinkOutBetweenWalkAndHashNeverGivesTheSecretsHash() throws Exception {
    Path file = spider.resolve("a/one.txt");
    String secretHash = HexFormat.of().formatHex(ManifestDigest.sha256().digest(SECRET.getBytes(StandardCharsets.UTF_8)));
    Scanner scanner = new Scanner();
    try (AutoCloseable hook = Swaps.beforeOpen(Swaps.once(file, () -> Swaps.toSymlink(file, secret)))) {
      String outcome;
      try {
        outcome = bounded(() -> scanner.scan("s", spider, "", DEFAULTS)).manifest().entries().stream()
            .filter(FileEntry::isFile).map(en -> en.path() + "=" + en.hash()).toList().toString();
      } catch (IOException e) {
        outcome = "failed: " + e.getMessage();
      }
      assertFalse(outcome.contains(secretHash), outcome);
      assertTrue(outcome.startsWith("failed") && outcome.contains("a/one.txt"), outcome);
    }
  }
}
