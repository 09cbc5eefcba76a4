package dev.syncnode.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.syncnode.config.NodeConfig;
import dev.syncnode.it.BadNames;
import dev.syncnode.manifest.FileEntry;
import dev.syncnode.manifest.IgnoreRules;
import dev.syncnode.manifest.Manifest;
import dev.syncnode.manifest.ManifestValidator;
import dev.syncnode.manifest.PathRules;
import dev.syncnode.manifest.Skipped;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Entries no worker could take are left out of the manifest and listed, on real files. */
class ScannerSkipTest {
  @TempDir Path tmp;

  @Test
  void badNamesAreLeftOutAndListedAndTheRestIsAValidManifest() throws Exception {
    Assumptions.assumeTrue("UTF-8".equals(System.getProperty("sun.jnu.encoding")), "file names decoded as UTF-8");
    Path root = Files.createDirectories(tmp.resolve("spider"));
    BadNames.Tree tree = BadNames.create(root);
    Manifest m;
    try {
      m = new Scanner().scan("spider", root, "", IgnoreRules.of(NodeConfig.DEFAULT_IGNORE)).manifest();
    } finally {
      BadNames.remove(root);
    }

    ManifestValidator.validate(m.entries()); // what a worker checks: the whole manifest passes
    List<String> files = m.entries().stream().filter(FileEntry::isFile).map(FileEntry::path).sorted().toList();
    assertEquals(List.copyOf(tree.good().keySet()), files);
    Map<String, String> skipped = m.skipped().stream().collect(Collectors.toMap(Skipped::path, Skipped::reason));
    for (String bad : tree.badNames()) {
      assertEquals(Skipped.ILLEGAL_NAME, skipped.get(PathRules.escape(bad)), bad + " in " + skipped);
    }
    assertTrue(skipped.containsKey("new\\x0aline.txt") && skipped.containsKey("back\\\\slash.txt"), skipped.toString());
    int expected = tree.badNames().size();
    if (tree.undecodable()) {
      assertEquals(Skipped.UNDECODABLE_NAME, skipped.get("bad\\ufffdname"), skipped.toString());
      expected++;
    }
    if (tree.deep()) {
      assertTrue(skipped.containsValue(Skipped.TOO_LONG), skipped.toString());
      assertTrue(m.entries().stream().noneMatch(e -> e.path().endsWith("deep.txt")));
      expected++;
    }
    assertEquals(expected, m.skipped().size(), skipped.toString());
    assertEquals(expected, m.skippedTotal());
  }

  @Test
  void escapeKeepsNamesApartAndShowsNoControlCharacters() {
    assertEquals("a\\x0ab", PathRules.escape("a\nb"));
    assertEquals("a\\\\x0ab", PathRules.escape("a\\x0ab")); // a literal backslash name stays distinct
    assertEquals("x\\u2028\\ufffd", PathRules.escape("x\u2028\ufffd"));
    assertEquals("a\\x0ab", PathRules.displaySafe("a\\x0ab"));
    assertEquals("a\\x0ab", PathRules.displaySafe("a\nb"));
    assertTrue(PathRules.escape("p".repeat(5000)).length() < 1100);
  }

  @Test
  void aHardLinkedFileIsLeftOutOnTheMasterAndTheRestIsScanned() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("spider"));
    Path secret = Files.writeString(Files.createDirectories(tmp.resolve("outside")).resolve("secret.txt"), "SECRET");
    Files.writeString(Files.createDirectories(root.resolve("d")).resolve("fine.txt"), "fine");
    Files.createLink(root.resolve("d/hard.txt"), secret);
    Manifest m = new Scanner().scan("spider", root, "", IgnoreRules.of(NodeConfig.DEFAULT_IGNORE)).manifest();

    List<String> files = m.entries().stream().filter(FileEntry::isFile).map(FileEntry::path).toList();
    assertEquals(List.of("d/fine.txt"), files);
    assertEquals(List.of(new Skipped("d/hard.txt", Skipped.HARD_LINK)), m.skipped());
    // a worker's scan of its own destination lists it (it is the worker's file)
    Manifest local = new Scanner(true).scan("dest", root, "", IgnoreRules.of(NodeConfig.DEFAULT_IGNORE)).manifest();
    assertTrue(local.entries().stream().anyMatch(e -> e.path().equals("d/hard.txt")), local.toString());
    assertEquals(List.of(), local.skipped());
  }
}
