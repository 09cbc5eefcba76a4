package dev.syncnode.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code node.jar sync} in a child JVM against a real master: a non-empty directory syncnode never
 * synced is refused (exit 2, nothing written) unless {@code --force}, which replaces the master's
 * paths and keeps the rest.
 */
class SyncCommandAdoptIT {
  @TempDir Path tmp;
  Path spider;
  Cluster cluster;
  Path dest;
  Workspaces dirs;

  @BeforeEach
  void setUp() throws Exception {
    dirs = Workspaces.withSampleSpider(tmp);
    spider = dirs.spider();
    cluster = dirs.start();
    dest = tmp.resolve("thesis");
    Trees.write(dest, "notes.txt", "my notes");
    Trees.write(dest, "sub/thesis.tex", "\\documentclass{article}");
    Trees.write(dest, "main.py", "my own main");
  }

  @AfterEach
  void tearDown() throws Exception {
    cluster.close();
  }

  ChildJvm.Result sync(String... extra) throws Exception {
    List<String> args = new java.util.ArrayList<>(List.of("sync", "--master",
        "127.0.0.1:" + cluster.master.grpcPort(), "--spider", "spider1", "--dest", dest.toString()));
    args.addAll(List.of(extra));
    return ChildJvm.run(tmp, Map.of(), 60, args.toArray(String[]::new));
  }

  @Test
  void aNonEmptyDirectoryNeverSyncedIsRefusedUntilForced() throws Exception {
    Map<String, String> before = Trees.describe(dest, rel -> true);
    ChildJvm.Result refused = sync();
    assertEquals(2, refused.code(), refused.all());
    assertTrue(refused.err().contains(dest.toString()) && refused.err().contains("--force"), refused.all());
    assertEquals(before, Trees.describe(dest, rel -> true), "nothing written, not even .syncnode/");

    ChildJvm.Result forced = sync("--force", "--json");
    assertEquals(0, forced.code(), forced.all());
    assertEquals("", forced.err(), "--json prints no log lines");
    JsonObject report = new JsonObject(forced.out().strip().lines().reduce((a, b) -> b).orElseThrow());
    assertEquals(0L, report.getLong("deleted"), report.encode());
    assertEquals(3L, report.getLong("kept"), "notes.txt, sub/, sub/thesis.tex: " + report.encode());
    assertEquals("my notes", Files.readString(dest.resolve("notes.txt")));
    assertEquals("\\documentclass{article}", Files.readString(dest.resolve("sub/thesis.tex")));
    assertEquals("print('hello')\n", Files.readString(dest.resolve("main.py")), "the master's path is replaced");

    ChildJvm.Result again = sync("--json");
    assertEquals(0, again.code(), "synced before: no --force needed\n" + again.all());
  }

  @Test
  void anEmptyOrMissingDirectoryNeedsNoForce() throws Exception {
    Trees.deleteTree(dest);
    Files.createDirectories(dest);
    ChildJvm.Result r = sync("--json");
    assertEquals(0, r.code(), r.all());
    assertFalse(Files.exists(dest.resolve("notes.txt")));
    assertEquals(Trees.describe(spider, Trees::notIgnored), Trees.describe(dest));
  }

  @Test
  void aMastersWorkspaceIsRefusedEvenWhenForced() throws Exception {
    Map<String, String> before = Trees.describe(dirs.workspace(), rel -> true);
    dest = dirs.workspace().resolve("new");
    ChildJvm.Result fresh = sync("--json");
    assertEquals(2, fresh.code(), fresh.all());
    assertTrue(fresh.err().contains(dirs.workspace().toString()) && fresh.err().contains("workspace of a master"),
        fresh.all());
    assertEquals(before, Trees.describe(dirs.workspace(), rel -> true), "no " + dest + " created");
    dest = spider;
    Files.writeString(spider.resolve("main.py"), "the master's own edit");
    before = Trees.describe(dirs.workspace(), rel -> true);
    ChildJvm.Result forced = sync("--force");
    assertEquals(2, forced.code(), forced.all());
    assertEquals(before, Trees.describe(dirs.workspace(), rel -> true), "nothing written into the master's workspace");
  }

  @Test
  void aLinkToANonEmptyDirectoryNeverSyncedIsRefusedAndForcedIntoItsTarget() throws Exception {
    Path real = dest;
    Map<String, String> before = Trees.describe(real, rel -> true);
    dest = Files.createSymbolicLink(tmp.resolve("link"), real);
    ChildJvm.Result refused = sync();
    assertEquals(2, refused.code(), refused.all());
    assertTrue(refused.err().contains("--force"), refused.all());
    assertEquals(before, Trees.describe(real, rel -> true), "nothing written through the link");

    ChildJvm.Result forced = sync("--force", "--json");
    assertEquals(0, forced.code(), forced.all());
    assertTrue(Files.isSymbolicLink(dest), "the link itself is left as it was");
    assertEquals("my notes", Files.readString(real.resolve("notes.txt")));
    assertEquals("print('hello')\n", Files.readString(real.resolve("main.py")), "synced into the link's target");
  }

  @Test
  void anEmptySyncnodeDirectoryIsNoEarlierSync() throws Exception {
    Files.createDirectories(dest.resolve(".syncnode"));
    Map<String, String> before = Trees.describe(dest, rel -> true);
    ChildJvm.Result refused = sync();
    assertEquals(2, refused.code(), refused.all());
    assertTrue(refused.err().contains("--force"), refused.all());
    assertEquals(before, Trees.describe(dest, rel -> true), "nothing written");

    // only syncnode's area (a first sync interrupted before it recorded anything): nothing to protect
    for (String user : List.of("notes.txt", "sub/thesis.tex", "sub", "main.py")) {
      Files.delete(dest.resolve(user));
    }
    Files.createDirectories(dest.resolve(".syncnode/tmp"));
    ChildJvm.Result resumed = sync("--json");
    assertEquals(0, resumed.code(), resumed.all());
    assertEquals(Trees.describe(spider, Trees::notIgnored), Trees.describe(dest));
  }
}
