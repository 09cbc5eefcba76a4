package dev.syncnode.it;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code node.jar sync} stopped mid-transfer (a real child JVM, SIGTERM as from Ctrl-C or kill): it
 * says it was interrupted and that the next run resumes.
 */
class SyncCommandInterruptIT {
  @TempDir Path tmp;

  @Test
  void anInterruptedSyncSaysSoAndThatTheNextRunResumes() throws Exception {
    Workspaces dirs = Workspaces.withSampleSpider(tmp);
    Trees.write(dirs.spider(), "data/big.bin", Trees.random(7, 8 * 1024 * 1024));
    Path dest = tmp.resolve("cli-dest");
    Path work = Files.createDirectories(tmp.resolve("child"));
    try (Cluster cluster = dirs.start(); StallingProxy proxy = new StallingProxy(cluster.master.grpcPort(), 2 << 20)) {
      Process p = ChildJvm.start(work, Map.of(), "sync", "--master", "127.0.0.1:" + proxy.port(), "--spider",
          "spider1", "--dest", dest.toString());
      try {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!partialBytesIn(dest.resolve(".syncnode/tmp"))) {
          if (System.nanoTime() > deadline || !p.isAlive()) {
            fail("no partial download appeared\n" + ChildJvm.read(work, p.isAlive() ? -1 : p.exitValue()).all());
          }
          java.util.concurrent.locks.LockSupport.parkNanos(5_000_000); // poll, not a timed wait for the event
        }
        p.destroy(); // SIGTERM: shutdown hooks run, as on Ctrl-C
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the child did not stop");
      } finally {
        p.destroyForcibly();
      }
      ChildJvm.Result r = ChildJvm.read(work, p.exitValue());
      assertTrue(r.err().contains("sync interrupted") && r.err().contains("the next run resumes"), r.all());
    }
  }

  static boolean partialBytesIn(Path tmpArea) throws Exception {
    if (!Files.isDirectory(tmpArea)) {
      return false;
    }
    try (Stream<Path> s = Files.walk(tmpArea)) {
      return s.anyMatch(f -> {
        try {
          return Files.isRegularFile(f) && f.getFileName().toString().endsWith(".part") && Files.size(f) > 0;
        } catch (Exception gone) {
          return false;
        }
      });
    }
  }
}
