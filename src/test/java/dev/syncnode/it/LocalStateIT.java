package dev.syncnode.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.syncnode.worker.SyncReport;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Whatever the destination held before, the sync leaves an exact copy and never writes outside it. */
class LocalStateIT {
  @TempDir Path tmp;
  Path spider;
  Path dest;
  Path outside;
  Cluster cluster;

  @BeforeEach
  void setUp() throws Exception {
    Workspaces dirs = Workspaces.withSampleSpider(tmp);
    spider = dirs.spider();
    Trees.write(spider, "conf/settings.py", "DEBUG = False\n");
    dest = dirs.dest();
    outside = Files.createDirectories(tmp.resolve("outside"));
    Files.writeString(outside.resolve("precious.txt"), "do not touch");
    cluster = dirs.start();
  }

  @AfterEach
  void tearDown() throws Exception {
    cluster.close();
  }

  @Test
  void staleLinksLeadingOutsideAreReplacedNeverWrittenThrough() throws Exception {
    Map<String, String> outsideBefore = Trees.describe(outside, rel -> true);
    // where the master has a directory, the worker has a link out of the destination
    Files.createDirectories(dest);
    Files.createSymbolicLink(dest.resolve("conf"), outside);
    // a link the master does not have at all
    Files.createSymbolicLink(dest.resolve("stale-out"), outside.resolve("precious.txt"));

    SyncReport r = cluster.sync("spider1", null);

    assertEquals(outsideBefore, Trees.describe(outside, rel -> true), "nothing written through the link");
    assertTrue(Files.isDirectory(dest.resolve("conf"), LinkOption.NOFOLLOW_LINKS), "the link became the directory");
    assertTrue(Files.isSymbolicLink(dest.resolve("stale-out")), "no sync installed it: kept, not followed");
    assertEquals(Trees.describe(spider, Trees::notIgnored), Trees.describe(dest, rel -> !rel.equals("stale-out")
        && !rel.startsWith(".syncnode")));
    assertEquals(1, r.deleted(), "the link where the master has a directory: " + r);
    assertEquals(1, r.kept(), r.toString());
  }

  @Test
  void localIgnoredDirectoriesAreLeftAlone() throws Exception {
    Trees.write(dest, ".git/HEAD", "worker's own");
    Trees.write(dest, "node_modules/x/index.js", "installed locally");
    cluster.sync("spider1", null);
    assertEquals("worker's own", Files.readString(dest.resolve(".git/HEAD")));
    assertEquals("installed locally", Files.readString(dest.resolve("node_modules/x/index.js")));
    assertEquals(Trees.describe(spider, Trees::notIgnored), Trees.describe(dest, Trees::notIgnored));
  }

  @Test
  void leftoverTempFilesAreCleanedUp() throws Exception {
    Trees.write(dest, ".syncnode/tmp/" + "0".repeat(64) + ".part", "half a file from a crashed sync");
    Trees.write(dest, ".syncnode/tmp/junk.copy", "junk");
    cluster.sync("spider1", null);
    try (var s = Files.list(dest.resolve(".syncnode/tmp"))) {
      assertEquals(0, s.count());
    }
    assertEquals(Trees.describe(spider, Trees::notIgnored), Trees.describe(dest));
  }
}
