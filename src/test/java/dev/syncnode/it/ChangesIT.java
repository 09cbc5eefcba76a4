package dev.syncnode.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.syncnode.worker.SyncReport;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Incremental syncs: only what changed moves, and the copy is exact afterwards. Cache TTL 0. */
class ChangesIT {
  @TempDir Path tmp;
  Path spider;
  Path dest;
  Cluster cluster;

  @BeforeEach
  void setUp() throws Exception {
    Workspaces dirs = Workspaces.withSampleSpider(tmp);
    spider = dirs.spider();
    dest = dirs.dest();
    cluster = dirs.start(Tweaks.and(Tweaks.cacheTtl(Duration.ZERO), Tweaks.noPrescan())); // scans counted
  }

  @AfterEach
  void tearDown() throws Exception {
    cluster.close();
  }

  void assertExactCopy() throws Exception {
    assertEquals(Trees.describe(spider, Trees::notIgnored), Trees.describe(dest));
  }

  static Object inode(Path p) throws Exception {
    return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
  }

  static void assertTempAreaEmpty(Path dest) throws Exception {
    Path tmpArea = dest.resolve(".syncnode/tmp");
    if (Files.exists(tmpArea)) {
      try (Stream<Path> s = Files.list(tmpArea)) {
        assertEquals(java.util.List.of(), s.toList(), "temp files left after a successful sync");
      }
    }
  }

  @Test
  void changeAddDeleteMoveOnlyWhatChanged() throws Exception {
    SyncReport first = cluster.sync("spider1", null);
    assertEquals(7, first.downloaded());
    assertExactCopy();
    Object untouchedInode = inode(dest.resolve("pkg/sub/deep/module.py"));
    Object changedInode = inode(dest.resolve("main.py"));

    Files.writeString(spider.resolve("main.py"), "print('changed')\n");
    Trees.write(spider, "pkg/new_module.py", "NEW = True\n");
    Files.delete(spider.resolve("name with spaces.txt"));

    SyncReport second = cluster.sync("spider1", null);
    assertEquals(2, second.downloaded(), "the changed and the added file");
    assertEquals(1, second.deleted(), "the deleted file");
    assertEquals(7, second.files());
    assertEquals(("print('changed')\n" + "NEW = True\n").length(), second.bytes());
    assertExactCopy();
    assertFalse(Files.exists(dest.resolve("name with spaces.txt")));
    assertEquals(untouchedInode, inode(dest.resolve("pkg/sub/deep/module.py")), "unchanged file not rewritten");
    assertNotEquals(changedInode, inode(dest.resolve("main.py")), "changed file replaced by a rename");
    assertEquals(2.0, cluster.masterMetrics.scansTotal(), "TTL 0: the second sync rescanned");
    assertTempAreaEmpty(dest);

    SyncReport third = cluster.sync("spider1", null);
    assertEquals(0, third.downloaded());
    assertEquals(0, third.deleted());
    assertExactCopy();
  }

  @Test
  void localDamageIsRepaired() throws Exception {
    cluster.sync("spider1", null);
    Files.writeString(dest.resolve("main.py"), "tampered");
    Files.delete(dest.resolve("run.sh"));
    Trees.write(dest, "stray/extra.txt", "not on the master");
    Files.createDirectories(dest.resolve("stray/empty"));

    SyncReport r = cluster.sync("spider1", null);
    assertEquals(2, r.downloaded());
    assertEquals(0, r.deleted(), "no sync installed stray/: the user's, kept");
    assertEquals(3, r.kept(), "stray/, stray/extra.txt, stray/empty");
    assertEquals("not on the master", Files.readString(dest.resolve("stray/extra.txt")));
    assertEquals(Trees.describe(spider, Trees::notIgnored),
        Trees.describe(dest, rel -> Trees.notIgnored(rel) && !rel.startsWith("stray")));
  }

  @Test
  void modeOnlyChangeTypeChangesAndLinkRetarget() throws Exception {
    Trees.write(spider, "becomes-dir", "file now");
    Trees.write(spider, "becomes-file/inner.txt", "dir now");
    cluster.sync("spider1", null);
    assertExactCopy();

    Files.setPosixFilePermissions(spider.resolve("main.py"), PosixFilePermissions.fromString("rwxr-x---"));
    Files.delete(spider.resolve("becomes-dir"));
    Trees.write(spider, "becomes-dir/child.txt", "child");
    Files.delete(spider.resolve("becomes-file/inner.txt"));
    Files.delete(spider.resolve("becomes-file"));
    Trees.write(spider, "becomes-file", "a file again");
    Files.delete(spider.resolve("link-to-main.py"));
    Files.createSymbolicLink(spider.resolve("link-to-main.py"), Path.of("run.sh"));

    SyncReport r = cluster.sync("spider1", null);
    assertExactCopy();
    assertEquals("rwxr-x---", PosixFilePermissions.toString(Files.getPosixFilePermissions(dest.resolve("main.py"))));
    assertEquals(2, r.downloaded(), "becomes-dir/child.txt and becomes-file; a chmod moves no bytes");
    assertTrue(Files.isDirectory(dest.resolve("becomes-dir"), LinkOption.NOFOLLOW_LINKS));
    assertTrue(Files.isRegularFile(dest.resolve("becomes-file"), LinkOption.NOFOLLOW_LINKS));
    assertEquals(Path.of("run.sh"), Files.readSymbolicLink(dest.resolve("link-to-main.py")));
  }

  @Test
  void twentyMegabyteFileStreamsAndVerifies() throws Exception {
    byte[] big = new byte[20 * 1024 * 1024 + 12345];
    new Random(2024).nextBytes(big);
    Trees.write(spider, "data/big.bin", big);

    SyncReport r = cluster.sync("spider1", null);
    Path copy = dest.resolve("data/big.bin");
    assertEquals(big.length, Files.size(copy));
    assertEquals(-1L, Files.mismatch(spider.resolve("data/big.bin"), copy));
    assertEquals(8, r.downloaded());
    assertTrue(r.bytes() >= big.length);
    assertExactCopy();
    assertTempAreaEmpty(dest);
  }

  @Test
  void emptySpiderMirrorsAsAnEmptyDirectory() throws Exception {
    Path empty = Files.createDirectories(spider.resolveSibling("empty-spider"));
    Path target = tmp.resolve("worker/empty-spider");
    Trees.write(target, "leftover.txt", "from an older version");

    SyncReport r = cluster.sync("empty-spider", null);
    assertEquals(0, r.files());
    assertEquals(0, r.downloaded());
    assertEquals(0, r.deleted(), "no sync installed it: kept");
    assertEquals(1, r.kept());
    assertEquals(java.util.Set.of("leftover.txt"), Trees.describe(target).keySet());
    assertEquals(Map.of(), Trees.describe(empty));
  }
}
