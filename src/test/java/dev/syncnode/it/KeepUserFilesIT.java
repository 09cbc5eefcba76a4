package dev.syncnode.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.syncnode.worker.SyncReport;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker deletes only what a sync installed and the master dropped (real master and worker over
 * loopback, real directories): crawler output next to the code stays and is counted as kept, a
 * dropped directory holding a user's file stays until it is empty, and a state written by a release
 * without the installed set neither deletes the user's files nor keeps the master's leftovers.
 */
class KeepUserFilesIT {
  @TempDir Path tmp;
  Path spider;
  Path dest;
  Cluster cluster;

  @BeforeEach
  void setUp() throws Exception {
    Workspaces dirs = Workspaces.withSampleSpider(tmp);
    spider = dirs.spider();
    dest = dirs.dest();
    cluster = dirs.start(Tweaks.cacheTtl(Duration.ZERO));
  }

  @AfterEach
  void tearDown() throws Exception {
    cluster.close();
  }

  @Test
  void crawlerOutputStaysWhileDroppedFilesGoAndMasterPathsAreReplaced() throws Exception {
    cluster.sync("spider1", null);
    Trees.write(dest, "output/results.json", "[{\"item\": 1}]");
    Trees.write(dest, "crawl.log", "crawled 1 page\n");
    Files.writeString(dest.resolve("main.py"), "edited on the worker");
    Files.delete(spider.resolve("name with spaces.txt"));

    SyncReport r = cluster.sync("spider1", null);

    assertEquals(1, r.deleted(), "only the file the master dropped: " + r);
    assertEquals(3, r.kept(), "output/, output/results.json, crawl.log: " + r);
    assertEquals(3L, r.toJson().getLong("kept"));
    assertFalse(Files.exists(dest.resolve("name with spaces.txt")));
    assertEquals("[{\"item\": 1}]", Files.readString(dest.resolve("output/results.json")));
    assertEquals("crawled 1 page\n", Files.readString(dest.resolve("crawl.log")));
    assertEquals("print('hello')\n", Files.readString(dest.resolve("main.py")), "a master path is the master's");
    assertEquals(Trees.describe(spider, Trees::notIgnored), Trees.describe(dest, rel -> Trees.notIgnored(rel)
        && !rel.startsWith("output") && !rel.equals("crawl.log")));

    SyncReport again = cluster.sync("spider1", null);
    assertTrue(again.unchanged(), "kept files are part of the recorded tree: " + again);
    assertEquals(3, again.kept());
  }

  @Test
  void aDroppedDirectoryWithAUserFileStaysUntilItIsEmpty() throws Exception {
    cluster.sync("spider1", null);
    Trees.write(dest, "pkg/sub/deep/notes.txt", "mine");
    Trees.deleteTree(spider.resolve("pkg/sub"));

    SyncReport r = cluster.sync("spider1", null);
    assertFalse(Files.exists(dest.resolve("pkg/sub/deep/module.py")));
    assertFalse(Files.exists(dest.resolve("pkg/sub/up"), LinkOption.NOFOLLOW_LINKS));
    assertEquals("mine", Files.readString(dest.resolve("pkg/sub/deep/notes.txt")));
    assertEquals(2, r.deleted(), "module.py and the link: " + r);
    assertEquals(3, r.kept(), "notes.txt and the two directories it keeps: " + r);

    Files.delete(dest.resolve("pkg/sub/deep/notes.txt"));
    SyncReport emptied = cluster.sync("spider1", null);
    assertFalse(Files.exists(dest.resolve("pkg/sub")), "still known as installed, removed once empty");
    assertEquals(2, emptied.deleted(), emptied.toString());
    assertEquals(0, emptied.kept());
    assertEquals(Trees.describe(spider, Trees::notIgnored), Trees.describe(dest));
  }

  @Test
  void aMasterFileWhereTheUserFilledAnInstalledDirectoryFailsAndDeletesNothing() throws Exception {
    cluster.sync("spider1", null);
    Trees.write(dest, "pkg/sub/deep/notes.txt", "mine");
    Trees.deleteTree(spider.resolve("pkg/sub"));
    Trees.write(spider, "pkg/sub", "a file now");

    Exception e = failsWith(() -> cluster.sync("spider1", null));
    assertTrue(e.getMessage().contains("pkg/sub/deep/notes.txt"), e.getMessage());
    assertEquals("mine", Files.readString(dest.resolve("pkg/sub/deep/notes.txt")));
    assertTrue(Files.exists(dest.resolve("pkg/sub/deep/module.py")), "nothing applied");
  }

  @Test
  void aStateFromAReleaseWithoutTheInstalledSetKeepsNewFilesAndDropsOldOnes() throws Exception {
    cluster.sync("spider1", null);
    // what an older release leaves: a version-1 state, no installed set, written after the tree settled
    Files.delete(dest.resolve(".syncnode/installed"));
    Path state = dest.resolve(".syncnode/state.json");
    JsonObject v1 = new JsonObject(Files.readString(state)).put("version", 1);
    v1.remove("kept");
    waitUntilTheClockPasses(newestChange(dest));
    Files.writeString(state, v1.encodePrettily());
    waitUntilTheClockPasses(Files.getLastModifiedTime(state));
    Trees.write(dest, "crawl.log", "written after that sync");
    Files.delete(spider.resolve("run.sh"));

    SyncReport r = cluster.sync("spider1", null);
    assertFalse(Files.exists(dest.resolve("run.sh")), "older than the state: the master's, dropped");
    assertEquals("written after that sync", Files.readString(dest.resolve("crawl.log")));
    assertEquals(1, r.deleted(), r.toString());
    assertEquals(1, r.kept(), r.toString());
    assertEquals(2, new JsonObject(Files.readString(state)).getInteger("version"));
    assertTrue(Files.readString(dest.resolve(".syncnode/installed")).contains("\nmain.py\n"));
  }

  @Test
  void noStateMeansNothingIsKnownToBeInstalled() throws Exception {
    Trees.write(dest, "main.py", "the user's older copy");
    Trees.write(dest, "notes.txt", "the user's");
    SyncReport r = cluster.sync("spider1", null);
    assertEquals(0, r.deleted());
    assertEquals(1, r.kept());
    assertEquals("print('hello')\n", Files.readString(dest.resolve("main.py")));
    assertEquals("the user's", Files.readString(dest.resolve("notes.txt")));
  }

  interface Call {
    void run() throws Exception;
  }

  static Exception failsWith(Call c) {
    try {
      c.run();
    } catch (Exception e) {
      return e;
    }
    return fail("expected a failure");
  }

  /** The newest inode change time below {@code root}. */
  static FileTime newestChange(Path root) throws Exception {
    try (Stream<Path> s = Files.walk(root)) {
      FileTime max = FileTime.fromMillis(0);
      for (Path p : s.toList()) {
        FileTime t = (FileTime) Files.getAttribute(p, "unix:ctime", LinkOption.NOFOLLOW_LINKS);
        max = t.compareTo(max) > 0 ? t : max;
      }
      return max;
    }
  }

  /** Polls until a file created now gets a later timestamp than {@code t} (file times are coarse). */
  void waitUntilTheClockPasses(FileTime t) throws Exception {
    Path probe = tmp.resolve("clock-probe");
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (System.nanoTime() < deadline) {
      Files.writeString(probe, "tick");
      boolean passed = Files.getLastModifiedTime(probe).compareTo(t) > 0;
      Files.delete(probe);
      if (passed) {
        return;
      }
      Thread.onSpinWait();
    }
    fail("the file clock did not pass " + t);
  }
}
