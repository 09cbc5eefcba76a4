package dev.syncnode.master;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.syncnode.config.NodeConfig;
import dev.syncnode.fs.ConfinedFile;
import dev.syncnode.manifest.IgnoreRules;
import dev.syncnode.master.scan.ScanException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link SpiderFiles} gives the answers of {@link SpiderPaths#file} (same file, same error kind and
 * message) whether a file takes its fast path or falls back to the full check; on real files.
 */
class SpiderFilesTest {
  static final IgnoreRules DEFAULTS = IgnoreRules.of(NodeConfig.DEFAULT_IGNORE);

  @TempDir Path tmp;
  Path spider;
  Path outside;
  SpiderPaths paths;

  @BeforeEach
  void setUp() throws Exception {
    Path ws = Files.createDirectories(tmp.resolve("ws"));
    outside = Files.createDirectories(tmp.resolve("outside"));
    Files.writeString(outside.resolve("secret.txt"), "SECRET");
    spider = Files.createDirectories(ws.resolve("s"));
    write("top.txt", "top");
    write("a/one.txt", "one");
    write("a/b/two.txt", "two");
    write("a/b/c/three.txt", "three");
    write("a/sibling/four.txt", "four");
    write("empty.txt", "");
    write(".git/config", "GIT");
    write("a/.git/config", "NESTED GIT");
    write("pkg/mod.pyc", "bytecode");
    Files.createSymbolicLink(spider.resolve("link-out"), outside.resolve("secret.txt"));
    Files.createSymbolicLink(spider.resolve("a/rel-out"), Path.of("../../../outside/secret.txt"));
    Files.createSymbolicLink(spider.resolve("dir-out"), outside);
    Files.createSymbolicLink(spider.resolve("a/b/dir-out"), outside);
    Files.createSymbolicLink(spider.resolve("link-in"), Path.of("a/one.txt"));
    Files.createSymbolicLink(spider.resolve("dir-in"), Path.of("a/b"));
    Files.createSymbolicLink(spider.resolve("link-git"), Path.of(".git/config"));
    Files.createSymbolicLink(spider.resolve("dir-git"), Path.of(".git"));
    Files.createSymbolicLink(spider.resolve("dangling"), Path.of("nowhere"));
    Files.createSymbolicLink(ws.resolve("linked-spider"), spider);
    paths = new SpiderPaths(ws);
  }

  void write(String rel, String content) throws IOException {
    Path p = spider.resolve(rel);
    Files.createDirectories(p.getParent());
    Files.writeString(p, content);
  }

  /** What the full check answers: the real path and content, or the error. */
  String expected(String spiderId, String rel) throws IOException {
    try {
      Path real = paths.file(spiderId, rel, DEFAULTS);
      BasicFileAttributes a = Files.readAttributes(real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      return "OK " + real + " size=" + a.size() + " mtime=" + a.lastModifiedTime() + ": " + Files.readString(real);
    } catch (ScanException e) {
      return e.kind() + " " + e.getMessage();
    }
  }

  static String actual(SpiderFiles files, String rel) throws IOException {
    try (ConfinedFile f = files.open(rel)) {
      ByteBuffer buf = ByteBuffer.allocate((int) f.attributes().size());
      while (buf.hasRemaining() && f.channel().read(buf) >= 0) {
        // read it all
      }
      assertEquals(f.attributes().lastModifiedTime(), f.current().lastModifiedTime(), rel);
      return "OK " + f.realPath() + " size=" + f.attributes().size() + " mtime=" + f.attributes().lastModifiedTime()
          + ": " + new String(buf.array(), StandardCharsets.UTF_8);
    } catch (ScanException e) {
      return e.kind() + " " + e.getMessage();
    }
  }

  @Test
  void sameAnswersAsTheFullCheckInAnyOrder() throws Exception {
    List<String> table = List.of("top.txt", "a/b/c/three.txt", "a/one.txt", "a/b/two.txt", "a/sibling/four.txt",
        "a/b/c/three.txt", "empty.txt", "link-out", "a/rel-out", "dir-out/secret.txt", "a/b/dir-out/secret.txt",
        "link-in", "dir-in/two.txt", "dir-in/c/three.txt", "link-git", "dir-git/config", ".git/config",
        "a/.git/config", "pkg/mod.pyc", ".syncnode/x", "dangling", "a", "a/b", "missing.txt", "a/missing/x.txt",
        "top.txt/x", "../outside/secret.txt", "a/../../outside/secret.txt", "/etc/passwd", "", ".", "a//b/./two.txt",
        "top.txt\0", "a\\one.txt", "top.txt");
    List<String> want = new ArrayList<>();
    for (String p : table) {
      want.add(expected("s", p));
    }
    List<String> got = new ArrayList<>();
    try (SpiderFiles files = new SpiderFiles(paths, "s", DEFAULTS)) {
      for (String p : table) {
        got.add(actual(files, p));
      }
    }
    assertEquals(want, got);
  }

  @Test
  void badOrUnknownSpiderFailsAsTheFullCheck() throws Exception {
    for (String id : List.of("..", "", "a/b", "nope", "linked-spider")) {
      try (SpiderFiles files = new SpiderFiles(paths, id, DEFAULTS)) {
        assertEquals(expected(id, "top.txt"), actual(files, "top.txt"), id);
        assertEquals(expected(id, "top.txt"), actual(files, "top.txt"), id + ", again");
      }
    }
  }

  @Test
  void entriesReplacedBySymlinksWhileTheirDirectoryIsOpenAreRefused() throws Exception {
    try (SpiderFiles files = new SpiderFiles(paths, "s", DEFAULTS)) {
      assertEquals(expected("s", "a/b/two.txt"), actual(files, "a/b/two.txt"));
      // a/b stays open for the next file: swap its entries for links
      Files.delete(spider.resolve("a/b/two.txt"));
      Files.createSymbolicLink(spider.resolve("a/b/two.txt"), outside.resolve("secret.txt"));
      Files.move(spider.resolve("a/b/c"), spider.resolve("a/b/c-old"));
      Files.createSymbolicLink(spider.resolve("a/b/c"), outside);
      Files.writeString(outside.resolve("three.txt"), "SECRET");
      String link = actual(files, "a/b/two.txt");
      assertEquals("INVALID_ARGUMENT path escapes the spider root: a/b/two.txt", link);
      assertEquals(expected("s", "a/b/two.txt"), link);
      assertEquals("INVALID_ARGUMENT path escapes the spider root: a/b/c/three.txt", actual(files, "a/b/c/three.txt"));
      Files.delete(spider.resolve("a/b/two.txt"));
      Files.createSymbolicLink(spider.resolve("a/b/two.txt"), Path.of("../../.git/config"));
      assertEquals("NOT_FOUND no such entry in spider s: a/b/two.txt", actual(files, "a/b/two.txt"));
    }
  }

  @Test
  void currentSeesAChangeOfTheOpenFileNotOfItsName() throws Exception {
    try (SpiderFiles files = new SpiderFiles(paths, "s", DEFAULTS); ConfinedFile f = files.open("a/one.txt")) {
      Files.writeString(spider.resolve("a/one.txt"), "changed");
      assertEquals(3, f.attributes().size());
      assertEquals(7, f.current().size());
      // the name now leads elsewhere: what is read and described is still the file that was opened
      Files.delete(spider.resolve("a/one.txt"));
      Files.createSymbolicLink(spider.resolve("a/one.txt"), outside.resolve("secret.txt"));
      assertEquals(7, f.current().size());
      ByteBuffer buf = ByteBuffer.allocate(16);
      f.channel().read(buf, 0);
      assertEquals("changed", new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8));
    }
  }

  @Test
  void aFifoIsNoFileAndIsNeverOpened() throws Exception {
    Path fifo = spider.resolve("fifo");
    boolean made;
    try {
      made = new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0;
    } catch (IOException e) {
      made = false;
    }
    assumeTrue(made, "mkfifo is not available");
    // opening a FIFO for reading would block until a writer comes
    try (SpiderFiles files = new SpiderFiles(paths, "s", DEFAULTS)) {
      assertEquals("NOT_FOUND no such file in spider s: fifo", actual(files, "fifo"));
      assertEquals(expected("s", "fifo/x"), actual(files, "fifo/x"));
    }
  }
}
