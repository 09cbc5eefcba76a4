package dev.syncnode.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Usage mistakes in {@code node.jar sync} (a real child JVM): exit 2 with a hint, before any
 * connection attempt or retry, nothing written.
 */
class SyncCommandUsageIT {
  @TempDir Path tmp;

  ChildJvm.Result sync(String master, String spider) throws Exception {
    return ChildJvm.run(tmp, Map.of(), 60, "sync", "--master", master, "--spider", spider, "--dest",
        tmp.resolve("dest").toString());
  }

  void assertUsage(ChildJvm.Result r, String hint) {
    assertEquals(2, r.code(), r.all());
    assertTrue(r.err().contains(hint), r.all());
    assertFalse(r.err().contains("retry") || r.err().contains("failed over"), "no attempt was made\n" + r.all());
    assertFalse(Files.exists(tmp.resolve("dest")));
  }

  @Test
  void aHostWithoutPortAUrlAndABadSpiderAreUsageErrors() throws Exception {
    assertUsage(sync("localhost", "spider1"), "--master localhost: expected HOST:PORT");
    assertUsage(sync("http://127.0.0.1:8000", "spider1"), "not a URL; an HTTP URL goes to --master-http");
    assertUsage(sync("127.0.0.1:9666", "../etc"), "--spider ../etc: not a spider id");
  }
}
