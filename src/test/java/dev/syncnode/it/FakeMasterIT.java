package dev.syncnode.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.syncnode.manifest.FileEntry;
import dev.syncnode.worker.SyncReport;
import dev.syncnode.worker.WorkerSyncVerticle;
import io.vertx.core.eventbus.ReplyException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A real worker against a scripted master that lies: wrong bytes, hostile paths, cut manifests. The
 * worker must never install an unverified file, write outside its destination, or delete on the
 * strength of an incomplete manifest.
 */
class FakeMasterIT {
  static final long MTIME = 1_700_000_000_000L;

  @TempDir Path tmp;
  Path dest;
  FakeMaster master;
  WorkerNode worker;

  @BeforeEach
  void setUp() throws Exception {
    dest = tmp.resolve("area/dest");
    master = new FakeMaster();
    worker = new WorkerNode(Files.createDirectories(tmp.resolve("ws")), master.address(), Cluster::fastRetries);
  }

  @AfterEach
  void tearDown() throws Exception {
    worker.close();
    master.close();
  }

  static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  static FileEntry file(String path, byte[] content) throws Exception {
    return FileEntry.file(path, content.length, 0644, MTIME, sha256(content));
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Everything under tmp except the destination's reserved area: path -> description. */
  Map<String, String> snapshot() throws Exception {
    Map<String, String> all = new TreeMap<>(Trees.describe(tmp, rel -> true));
    String reserved = tmp.relativize(dest.resolve(".syncnode")).toString();
    all.keySet().removeIf(k -> k.equals(reserved) || k.startsWith(reserved + "/"));
    return all;
  }

  @Test
  void anHonestFakeMasterSyncs() throws Exception {
    // control: the fake itself is a valid master, so the failures below are the worker's doing
    byte[] a = utf8("alpha\n");
    master.manifest(List.of(FileEntry.dir("d", 0755, MTIME), file("d/a.txt", a), file("b.txt", utf8("bee"))))
        .serve("d/a.txt", a).serve("b.txt", utf8("bee"));
    SyncReport r = worker.sync("fake", dest);
    assertEquals(2, r.downloaded());
    assertEquals("alpha\n", Files.readString(dest.resolve("d/a.txt")));
    assertEquals("bee", Files.readString(dest.resolve("b.txt")));
  }

  static Stream<Arguments> corruptions() {
    return Stream.of(
        Arguments.of("same length, other bytes", "tampered content!"),
        Arguments.of("shorter", "short"),
        Arguments.of("longer", "expected content!... and then some more bytes"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corruptions")
  void corruptedDownloadIsNeverRenamedIntoPlace(String name, String served) throws Exception {
    byte[] expected = utf8("expected content!");
    byte[] good = utf8("good file\n");
    master.manifest(List.of(FileEntry.dir("d", 0755, MTIME), file("d/good.txt", good), file("bad.bin", expected),
            file("new.bin", expected)))
        .serve("d/good.txt", good).serve("bad.bin", utf8(served)).serve("new.bin", utf8(served));
    Trees.write(dest, "bad.bin", "old content");
    Trees.write(dest, "local-only.txt", "would be deleted by a successful sync");
    Map<String, String> before = snapshot();

    ReplyException err = assertThrows(ReplyException.class, () -> worker.sync("fake", dest));
    assertTrue(err.getMessage().contains("bad.bin") || err.getMessage().contains("new.bin"), err.getMessage());
    assertTrue(master.downloads.contains("bad.bin") || master.downloads.contains("new.bin"),
        "the corrupt content was actually fetched: " + master.downloads);

    assertEquals("old content", Files.readString(dest.resolve("bad.bin")), "old copy kept");
    assertFalse(Files.exists(dest.resolve("new.bin")), "no unverified file at a final path");
    assertFalse(Files.exists(dest.resolve("d")), "nothing is applied before every file is verified");
    assertEquals(before, snapshot(), "nothing changed outside <dest>/.syncnode/");
    assertTrue(Meters.count(worker.metrics, "syncnode.syncs", "outcome", "failure") >= 1);
  }

  static Stream<Arguments> hostileManifests() throws Exception {
    byte[] x = utf8("x");
    FileEntry ok = file("ok.txt", x);
    return Stream.of(
        Arguments.of("parent escape", List.of(ok, file("../evil", x))),
        Arguments.of("escape in the middle", List.of(ok, FileEntry.dir("a", 0755, MTIME), file("a/../../evil", x))),
        Arguments.of("absolute path", List.of(ok, file("/tmp/syncnode-evil-abs", x))),
        Arguments.of("symlink out", List.of(ok, FileEntry.symlink("evil", "../../evil", MTIME))),
        Arguments.of("absolute symlink", List.of(ok, FileEntry.symlink("evil", "/etc", MTIME))),
        Arguments.of("symlink through '..'", List.of(ok, FileEntry.dir("a", 0755, MTIME),
            FileEntry.symlink("a/evil", "b/../../../evil", MTIME))),
        Arguments.of("write through a symlink", List.of(ok, FileEntry.symlink("up", "..", MTIME), file("up/evil", x))),
        Arguments.of("reserved area", List.of(ok, FileEntry.dir(".syncnode", 0755, MTIME),
            FileEntry.dir(".syncnode/tmp", 0755, MTIME), file(".syncnode/tmp/evil", x))),
        Arguments.of("duplicate path", List.of(ok, FileEntry.dir("ok.txt", 0755, MTIME))),
        Arguments.of("bad hash", List.of(ok, FileEntry.file("evil", 1, 0644, MTIME, "not-a-hash"))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hostileManifests")
  void hostileManifestIsRejectedAndNothingIsWritten(String name, List<FileEntry> entries) throws Exception {
    master.manifest(entries).serve("ok.txt", utf8("x")).serve("../evil", utf8("x")).serve("up/evil", utf8("x"));
    Trees.write(dest, "existing.txt", "keep me");
    Map<String, String> before = snapshot();

    ReplyException err = assertThrows(ReplyException.class, () -> worker.sync("fake", dest));
    assertEquals(WorkerSyncVerticle.FAIL_INVALID, err.failureCode(), err.getMessage());
    assertTrue(err.getMessage().contains("rejected manifest"), err.getMessage());
    assertEquals(List.of(), master.downloads, "no download starts for a rejected manifest");
    assertEquals(1, master.scans.get(), "a hostile manifest is not retried");
    assertEquals(before, snapshot());
    assertFalse(Files.exists(Path.of("/tmp/syncnode-evil-abs")));
    assertFalse(Files.exists(dest.resolve("ok.txt")), "the whole manifest is refused, not just the bad entry");
  }

  @Test
  void manifestStreamWithoutItsLastChunkDeletesNothing() throws Exception {
    assertCutManifestIsRefused(FakeMaster.Ending.NO_LAST_CHUNK, "last chunk");
  }

  @Test
  void manifestWithFewerEntriesThanAnnouncedDeletesNothing() throws Exception {
    assertCutManifestIsRefused(FakeMaster.Ending.FEWER_THAN_TOTAL, "announced");
  }

  void assertCutManifestIsRefused(FakeMaster.Ending ending, String why) throws Exception {
    byte[] x = utf8("x");
    master.manifest(List.of(file("a.txt", x), file("b.txt", x), file("c.txt", x))).ending(ending)
        .serve("a.txt", x).serve("b.txt", x).serve("c.txt", x);
    Trees.write(dest, "keep1.txt", "local");
    Trees.write(dest, "keep2/inner.txt", "local");
    Map<String, String> before = snapshot();

    ReplyException err = assertThrows(ReplyException.class, () -> worker.sync("fake", dest));
    assertTrue(err.getMessage().contains(why), err.getMessage());
    assertEquals(before, snapshot(), "a cut manifest must not make the worker delete anything");
    assertEquals(List.of(), master.downloads);
  }
}
