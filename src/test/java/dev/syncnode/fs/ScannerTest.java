package dev.syncnode.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.syncnode.config.NodeConfig;
import dev.syncnode.it.Trees;
import dev.syncnode.manifest.EntryType;
import dev.syncnode.manifest.FileEntry;
import dev.syncnode.manifest.IgnoreRules;
import dev.syncnode.manifest.Manifest;
import dev.syncnode.manifest.ManifestDigest;
import dev.syncnode.manifest.PathViolation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The blocking directory walker, on real files in a temp dir; no Vert.x. */
class ScannerTest {
  static final IgnoreRules DEFAULTS = IgnoreRules.of(NodeConfig.DEFAULT_IGNORE);
  static final FileTime HOUR_AGO = FileTime.from(Instant.now().minus(1, ChronoUnit.HOURS));

  @TempDir Path tmp;
  Path root;
  Scanner scanner;

  @BeforeEach
  void setUp() throws IOException {
    root = Files.createDirectories(tmp.resolve("spider"));
    scanner = new Scanner();
  }

  Path write(String rel, String content) throws IOException {
    Path p = root.resolve(rel);
    Files.createDirectories(p.getParent());
    Files.writeString(p, content);
    return p;
  }

  static String sha256(String content) throws Exception {
    return HexFormat.of().formatHex(
        MessageDigest.getInstance("SHA-256").digest(content.getBytes(StandardCharsets.UTF_8)));
  }

  Scanner.Result scan() throws IOException {
    return scanner.scan("spider", root, "", DEFAULTS);
  }

  static Map<String, FileEntry> byPath(Manifest m) {
    return m.entries().stream().collect(Collectors.toMap(FileEntry::path, Function.identity()));
  }

  /** Sets every file and dir under root to an mtime well before the "racy" window. */
  void ageEverything() throws IOException {
    try (var s = Files.walk(root)) {
      for (Path p : s.toList()) {
        if (!Files.isSymbolicLink(p)) {
          Files.setLastModifiedTime(p, HOUR_AGO);
        }
      }
    }
  }

  @Test
  void listsFilesDirsAndEmptyDirsWithHashModeAndSize() throws Exception {
    write("main.py", "print('hi')\n");
    write("pkg/sub/deep.py", "X = 1\n");
    write("empty.txt", "");
    Path run = write("run.sh", "#!/bin/sh\n");
    Files.setPosixFilePermissions(run, PosixFilePermissions.fromString("rwxr-x---"));
    Files.createDirectories(root.resolve("empty/nested"));

    Manifest m = scan().manifest();
    Map<String, FileEntry> e = byPath(m);
    assertEquals(java.util.Set.of("main.py", "pkg", "pkg/sub", "pkg/sub/deep.py", "empty.txt", "run.sh", "empty",
        "empty/nested"), e.keySet());
    assertEquals(EntryType.DIR, e.get("empty/nested").type());
    assertEquals(EntryType.FILE, e.get("main.py").type());
    assertEquals(sha256("print('hi')\n"), e.get("main.py").hash());
    assertEquals(12, e.get("main.py").size());
    assertEquals(sha256(""), e.get("empty.txt").hash());
    assertEquals(0, e.get("empty.txt").size());
    assertEquals(0750, e.get("run.sh").mode());
    assertEquals(Files.getLastModifiedTime(root.resolve("main.py")).toMillis(), e.get("main.py").mtime());
    assertEquals("", e.get("pkg").hash());
    assertEquals(4, m.fileCount());
    assertEquals(12 + 6 + 0 + 10, m.fileBytes());
    assertEquals(m.entries().stream().sorted(Manifest.BY_PATH).toList(), m.entries(), "sorted by path");
    assertEquals(ManifestDigest.of(m.entries()), m.digest());
  }

  @Test
  void ignoredDirectoriesAndNamesAreAbsentLockFilesPresent() throws Exception {
    write(".git/HEAD", "ref");
    write(".git/objects/ab/cd", "obj");
    write("node_modules/left-pad/index.js", "x");
    write("web/node_modules/y/z.js", "x");
    write("pkg/__pycache__/m.cpython-311.pyc", "b");
    write("pkg/stale.pyc", "b");
    write("deep/er/x.pyc", "b");
    write("poetry.lock", "lock");
    write("pkg/mod.py", "m");
    write(".gitignore", "*.log");

    Map<String, FileEntry> e = byPath(scan().manifest());
    assertEquals(java.util.Set.of("poetry.lock", "pkg", "pkg/mod.py", ".gitignore", "web", "deep", "deep/er"),
        e.keySet());
  }

  @Test
  void reservedWorkerAreaIsNeverListed() throws Exception {
    write(".syncnode/tmp/abc.part", "partial");
    write("a.txt", "a");
    assertEquals(java.util.Set.of("a.txt"), byPath(scan().manifest()).keySet());
  }

  @Test
  void secondScanOfAnUnchangedTreeHashesNothing() throws Exception {
    for (int i = 0; i < 20; i++) {
      write("d" + (i % 3) + "/f" + i + ".txt", "content " + i);
    }
    ageEverything();
    Scanner.Result first = scan();
    assertEquals(20, first.hashedFiles());
    Scanner.Result second = scan();
    assertEquals(0, second.hashedFiles());
    assertEquals(first.manifest(), second.manifest());
  }

  @Test
  void manyFilesAreHashedInParallelEachIntoItsOwnEntry() throws Exception {
    int n = 20 * Scanner.PARALLEL_MIN_FILES;
    for (int i = 0; i < n; i++) {
      write("d" + (i % 7) + "/f" + i + ".txt", "content " + i + "\n".repeat(i));
    }
    ageEverything();
    // half of them memoised, half changed since (same size, other content): a mixed second scan
    scan();
    for (int i = 0; i < n; i += 2) {
      Path p = write("d" + (i % 7) + "/f" + i + ".txt", "CONTENT " + i + "\n".repeat(i));
      Files.setLastModifiedTime(p, FileTime.from(Instant.now().minus(30, ChronoUnit.MINUTES)));
    }
    Scanner.Result r = scan();
    assertEquals(n / 2, r.hashedFiles());
    Map<String, FileEntry> got = byPath(r.manifest());
    assertEquals(n + 7, got.size(), "every file and directory, once");
    for (int i = 0; i < n; i++) {
      String content = (i % 2 == 0 ? "CONTENT " : "content ") + i + "\n".repeat(i);
      FileEntry e = got.get("d" + (i % 7) + "/f" + i + ".txt");
      assertEquals(sha256(content), e.hash(), e.path());
      assertEquals(content.length(), e.size(), e.path());
    }
    assertEquals(r.manifest(), new Scanner().scan("spider", root, "", DEFAULTS).manifest(),
        "the same manifest as a scan that hashes everything");
  }

  @Test
  void changedFileIsRehashedAndOnlyIt() throws Exception {
    write("a.txt", "aaaa");
    write("b.txt", "bbbb");
    write("c.txt", "cccc");
    ageEverything();
    Manifest before = scan().manifest();

    // same size, different content, an mtime that is old but not the memoised one
    Path b = write("b.txt", "BBBB");
    Files.setLastModifiedTime(b, FileTime.from(Instant.now().minus(30, ChronoUnit.MINUTES)));
    Scanner.Result after = scan();
    assertEquals(1, after.hashedFiles());
    assertEquals(sha256("BBBB"), byPath(after.manifest()).get("b.txt").hash());
    assertNotEquals(before.digest(), after.manifest().digest());

    // size change with the old mtime put back: still noticed
    Path c = write("c.txt", "ccccc");
    Files.setLastModifiedTime(c, HOUR_AGO);
    Scanner.Result third = scan();
    assertEquals(1, third.hashedFiles());
    assertEquals(sha256("ccccc"), byPath(third.manifest()).get("c.txt").hash());
  }

  @Test
  void recentlyModifiedFilesAreNotMemoised() throws Exception {
    write("fresh.txt", "just written");
    scan();
    assertEquals(1, scan().hashedFiles(), "a file younger than the racy window is hashed on every scan");
  }

  @Test
  void deletedAndAddedFilesAreSeen() throws Exception {
    write("keep.txt", "k");
    write("gone.txt", "g");
    ageEverything();
    scan();
    Files.delete(root.resolve("gone.txt"));
    write("new.txt", "n");
    Scanner.Result r = scan();
    assertEquals(java.util.Set.of("keep.txt", "new.txt"), byPath(r.manifest()).keySet());
    assertEquals(1, r.hashedFiles());
  }

  @Test
  void memoIsPerRoot() throws Exception {
    write("x.txt", "one");
    Path other = Files.createDirectories(tmp.resolve("other"));
    Files.writeString(other.resolve("x.txt"), "two");
    ageEverything();
    Files.setLastModifiedTime(other.resolve("x.txt"), HOUR_AGO);
    scan();
    Scanner.Result r = scanner.scan("other", other, "", DEFAULTS);
    assertEquals(1, r.hashedFiles());
    assertEquals(sha256("two"), byPath(r.manifest()).get("x.txt").hash());
  }

  /**
   * A master whose spiders come and go (and a worker whose destinations are removed) kept the hashes
   * of every root it had ever scanned: 40 deleted spiders of 25 files left 1000 remembered files.
   */
  @Test
  void memoOfADeletedRootIsDroppedByTheNextScan() throws Exception {
    scanner = new Scanner(false, 0);
    write("kept.txt", "k");
    ageEverything();
    for (int i = 0; i < 40; i++) {
      Path gone = Files.createDirectories(tmp.resolve("gone" + i));
      for (int f = 0; f < 25; f++) {
        Path file = Files.writeString(gone.resolve("f" + f + ".txt"), "gone " + i + " " + f);
        Files.setLastModifiedTime(file, HOUR_AGO);
      }
      assertEquals(25, scanner.scan("gone" + i, gone, "", DEFAULTS).hashedFiles());
      Trees.deleteTree(gone);
    }
    scan();
    assertEquals(1, scanner.rememberedFiles(), "only the file of the root that still exists");
  }

  @Test
  void goneRootsAreLookedForAtMostEverySweepInterval() throws Exception {
    scanner = new Scanner(false, TimeUnit.HOURS.toNanos(1));
    write("kept.txt", "k");
    ageEverything();
    scan(); // the first scan looks
    Path gone = Files.createDirectories(tmp.resolve("gone"));
    Files.setLastModifiedTime(Files.writeString(gone.resolve("f.txt"), "f"), HOUR_AGO);
    scanner.scan("gone", gone, "", DEFAULTS);
    Trees.deleteTree(gone);
    scan();
    assertEquals(2, scanner.rememberedFiles(), "not looked for again within the interval");
  }

  /** Sub-path scans added what they found and never removed what they no longer found. */
  @Test
  void subPathScanForgetsFilesDeletedBelowIt() throws Exception {
    write("top.txt", "t");
    ageEverything();
    scan();
    for (int round = 0; round < 30; round++) {
      Trees.deleteTree(root.resolve("logs"));
      for (int f = 0; f < 5; f++) {
        write("logs/r" + round + "-" + f + ".txt", "round " + round + " " + f);
      }
      ageEverything();
      Scanner.Result r = scanner.scan("spider", root, "logs", DEFAULTS);
      assertEquals(5, r.manifest().fileCount());
    }
    assertEquals(1 + 5, scanner.rememberedFiles(), "top.txt and the five files below logs/ now");
    assertEquals(0, scan().hashedFiles(), "the rest of the root is still remembered");
  }

  @Test
  void symlinkInsideIsKeptWithItsTargetAndNotFollowed() throws Exception {
    write("main.py", "m");
    write("pkg/sub/mod.py", "x");
    Files.createSymbolicLink(root.resolve("link-to-main.py"), Path.of("main.py"));
    Files.createSymbolicLink(root.resolve("pkg/sub/up"), Path.of("../../pkg"));
    Files.createSymbolicLink(root.resolve("dirlink"), Path.of("pkg"));
    Files.createSymbolicLink(root.resolve("dangling"), Path.of("does-not-exist"));

    Map<String, FileEntry> e = byPath(scan().manifest());
    assertEquals(EntryType.SYMLINK, e.get("link-to-main.py").type());
    assertEquals("main.py", e.get("link-to-main.py").target());
    assertEquals("", e.get("link-to-main.py").hash());
    assertEquals("../../pkg", e.get("pkg/sub/up").target());
    assertEquals(EntryType.SYMLINK, e.get("dirlink").type());
    assertEquals("pkg", e.get("dirlink").target());
    assertEquals("does-not-exist", e.get("dangling").target());
    assertTrue(e.keySet().stream().noneMatch(p -> p.startsWith("dirlink/") || p.startsWith("pkg/sub/up/")),
        "links to directories are not followed: " + e.keySet());
  }

  @Test
  void absoluteOrUntidySymlinkInsideIsStoredRelative() throws Exception {
    write("pkg/a.py", "a");
    Files.createSymbolicLink(root.resolve("abs"), root.resolve("pkg/a.py").toAbsolutePath());
    Files.createSymbolicLink(root.resolve("pkg/untidy"), Path.of("./../pkg/./a.py"));
    Map<String, FileEntry> e = byPath(scan().manifest());
    assertEquals("pkg/a.py", e.get("abs").target());
    assertEquals("a.py", e.get("pkg/untidy").target());
  }

  @Test
  void symlinksLeadingOutsideAreSkipped() throws Exception {
    Path outside = Files.createDirectories(tmp.resolve("outside"));
    Files.writeString(outside.resolve("secret.txt"), "secret");
    Path sibling = Files.createDirectories(tmp.resolve("spider2"));
    Files.writeString(sibling.resolve("x"), "x");
    write("ok.txt", "ok");
    Files.createSymbolicLink(root.resolve("abs-out"), outside.resolve("secret.txt"));
    Files.createSymbolicLink(root.resolve("rel-out"), Path.of("../outside/secret.txt"));
    Files.createSymbolicLink(root.resolve("to-sibling"), Path.of("../spider2"));
    Files.createSymbolicLink(root.resolve("etc"), Path.of("/etc"));
    Files.createSymbolicLink(root.resolve("dangling-out"), Path.of("../nothing-here"));
    Files.createSymbolicLink(root.resolve("outdir"), outside);
    // lexically inside, but resolves outside through another link
    Files.createSymbolicLink(root.resolve("sneaky"), Path.of("outdir/secret.txt"));

    Map<String, FileEntry> e = byPath(scan().manifest());
    assertEquals(java.util.Set.of("ok.txt"), e.keySet());
  }

  @Test
  void workerModeListsEscapingLinksSoTheyCanBeRemoved() throws Exception {
    Path outside = Files.createDirectories(tmp.resolve("outside"));
    Files.writeString(outside.resolve("f"), "f");
    write("ok.txt", "ok");
    Files.createSymbolicLink(root.resolve("abs-out"), outside);
    Files.createSymbolicLink(root.resolve("rel-out"), Path.of("../outside/f"));
    Files.createSymbolicLink(root.resolve("inside"), Path.of("ok.txt"));

    Map<String, FileEntry> e = byPath(new Scanner(true).scan("dest", root, "", DEFAULTS).manifest());
    assertEquals(java.util.Set.of("ok.txt", "abs-out", "rel-out", "inside"), e.keySet());
    assertEquals(outside.toString(), e.get("abs-out").target());
    assertEquals("../outside/f", e.get("rel-out").target());
    assertEquals("ok.txt", e.get("inside").target());
    assertTrue(e.keySet().stream().noneMatch(p -> p.startsWith("abs-out/")), "still not followed");
  }

  @Test
  void subPathScanIsConfinedAndRelativeToTheRoot() throws Exception {
    write("a/b/x.txt", "x");
    write("c.txt", "c");
    Manifest m = scanner.scan("spider", root, "a", DEFAULTS).manifest();
    assertEquals(java.util.Set.of("a", "a/b", "a/b/x.txt"), byPath(m).keySet());
    assertEquals("a", m.path());
    assertThrows(PathViolation.class, () -> scanner.scan("spider", root, "../", DEFAULTS));
  }

  @Test
  void emptyRootGivesAnEmptyManifest() throws Exception {
    Manifest m = scan().manifest();
    assertTrue(m.entries().isEmpty());
    assertEquals(ManifestDigest.of(java.util.List.of()), m.digest());
  }

  @Test
  void modeBitsRoundTrip() {
    for (int mode : new int[] {0, 0644, 0755, 0700, 0777, 0400, 0111}) {
      assertEquals(mode, Scanner.modeBits(Scanner.permissions(mode)));
    }
    assertFalse(Scanner.permissions(0644).isEmpty());
  }
}
