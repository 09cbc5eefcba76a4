package dev.syncnode.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.syncnode.worker.SyncReport;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A directory chain deeper than PATH_MAX inside a destination (a crawler's output, made with relative
 * paths) does not make syncs fail: what cannot be reached by path is left alone and kept.
 */
class DeepDestinationIT {
  private static final String SEGMENT = "d".repeat(100);
  /** 45 segments of 101 characters: over Linux's PATH_MAX of 4096 even without the temp dir. */
  private static final int DEPTH = 45;

  @TempDir Path tmp;
  Workspaces dirs;
  Cluster cluster;

  @BeforeEach
  void setUp() throws Exception {
    dirs = Workspaces.withSampleSpider(tmp);
    cluster = dirs.start();
  }

  @AfterEach
  void tearDown() throws Exception {
    cluster.close();
    // JUnit deletes by absolute path, which fails on the deep chain; rm walks it relative to each directory
    shell(dirs.dest(), "rm -rf " + SEGMENT);
  }

  /** Runs a shell command in {@code dir}; relative cd and mkdir go as deep as they like. */
  static void shell(Path dir, String command) throws Exception {
    Process p = new ProcessBuilder("sh", "-c", command).directory(dir.toFile()).inheritIO().start();
    assertEquals(0, p.waitFor(), command);
  }

  static void deepChain(Path dir) throws Exception {
    shell(dir, "for i in $(seq 1 " + DEPTH + "); do mkdir " + SEGMENT + " && cd -P " + SEGMENT
        + " || exit 1; done; echo leaf > leaf.txt");
  }

  @Test
  void aChainDeeperThanPathMaxInTheDestinationIsKept() throws Exception {
    assertTrue(cluster.sync("spider1", null).downloaded() > 0);
    deepChain(dirs.dest());
    SyncReport again = cluster.sync("spider1", null);
    assertEquals(0, again.downloaded(), again.toString());
    Files.writeString(dirs.spider().resolve("main.py"), "changed on the master\n");
    SyncReport changed = cluster.sync("spider1", null);
    assertEquals(1, changed.downloaded(), changed.toString());
    assertTrue(Files.isDirectory(dirs.dest().resolve(SEGMENT)), "the crawler's chain is kept");
    assertTrue(cluster.sync("spider1", null).unchanged());
  }
}
