package dev.syncnode.manifest;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The worker's check of a manifest received from a master; pure. */
class ManifestValidatorTest {
  static final String H = "ab".repeat(32);

  static FileEntry file(String path) {
    return FileEntry.file(path, 3, 0644, 1, H);
  }

  static FileEntry dir(String path) {
    return FileEntry.dir(path, 0755, 1);
  }

  static List<FileEntry> valid() {
    return List.of(dir("a"), dir("a/b"), file("a/b/x.py"), file("top.txt"), FileEntry.symlink("a/b/up", "../..", 1),
        FileEntry.symlink("a/l", "b/x.py", 1), FileEntry.symlink("self", ".", 1), dir("empty"),
        FileEntry.file("zero", 0, 0755, 1, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        file("name with spaces.txt"), dir("données"), file("données/naïve-ファイル.txt"));
  }

  static List<FileEntry> with(FileEntry... extra) {
    List<FileEntry> l = new ArrayList<>(valid());
    l.addAll(List.of(extra));
    return l;
  }

  @Test
  void aSaneManifestPasses() {
    assertDoesNotThrow(() -> ManifestValidator.validate(valid()));
    assertDoesNotThrow(() -> ManifestValidator.validate(List.of()));
    assertDoesNotThrow(() -> ManifestValidator.validate(
        List.of(FileEntry.file("huge", ManifestValidator.MAX_FILE_SIZE, 0644, 1, H))));
  }

  static Stream<Arguments> hostile() {
    return Stream.of(
        Arguments.of("parent escape", with(file("../evil"))),
        Arguments.of("absolute path", with(file("/etc/passwd"))),
        Arguments.of("escape in the middle", with(file("a/../../x"))),
        Arguments.of("dot-dot inside", with(file("a/../top2.txt"))),
        Arguments.of("not normalised (dot)", with(file("a/./y"))),
        Arguments.of("not normalised (double slash)", with(file("a//y"))),
        Arguments.of("not normalised (trailing slash)", with(dir("a/c/"))),
        Arguments.of("empty path", with(file(""))),
        Arguments.of("dot path", with(dir("."))),
        Arguments.of("backslash", with(file("a\\..\\..\\x"))),
        Arguments.of("NUL", with(file("a/x\0.py"))),
        Arguments.of("control character", with(file("a/x\n.py"))),
        Arguments.of("reserved area", with(dir(".syncnode"))),
        Arguments.of("into the reserved area", with(file(".syncnode/tmp/x.part"))),
        Arguments.of("duplicate file", with(file("top.txt"))),
        Arguments.of("file and dir at one path", with(dir("top.txt"))),
        Arguments.of("link and file at one path", with(FileEntry.symlink("a/b/x.py", "../../top.txt", 1))),
        Arguments.of("missing parent dir", with(file("nodir/x"))),
        Arguments.of("missing grandparent", List.of(dir("a/b"), file("a/b/x"))),
        Arguments.of("parent is a file", with(file("top.txt/inner"))),
        Arguments.of("parent is a symlink", with(file("a/l/inner"))),
        Arguments.of("dir under a symlink to a dir", with(dir("a/b/up/c"))),
        Arguments.of("empty hash", with(FileEntry.file("f1", 3, 0644, 1, ""))),
        Arguments.of("short hash", with(FileEntry.file("f1", 3, 0644, 1, H.substring(1)))),
        Arguments.of("upper-case hash", with(FileEntry.file("f1", 3, 0644, 1, H.toUpperCase()))),
        Arguments.of("non-hex hash", with(FileEntry.file("f1", 3, 0644, 1, "g".repeat(64)))),
        Arguments.of("negative size", with(FileEntry.file("f1", -1, 0644, 1, H))),
        Arguments.of("absurd size", with(FileEntry.file("f1", ManifestValidator.MAX_FILE_SIZE + 1, 0644, 1, H))),
        Arguments.of("absurd size (max long)", with(FileEntry.file("f1", Long.MAX_VALUE, 0644, 1, H))),
        Arguments.of("bad mode", with(FileEntry.file("f1", 3, 010000, 1, H))),
        Arguments.of("negative mode", with(FileEntry.file("f1", 3, -1, 1, H))),
        Arguments.of("no type", with(new FileEntry("f1", null, 3, 0644, 1, H, ""))),
        Arguments.of("symlink to the parent of the root", with(FileEntry.symlink("l1", "..", 1))),
        Arguments.of("symlink escaping", with(FileEntry.symlink("l1", "../outside", 1))),
        Arguments.of("symlink escaping from a subdir", with(FileEntry.symlink("a/b/l1", "../../../x", 1))),
        Arguments.of("absolute symlink", with(FileEntry.symlink("l1", "/etc/passwd", 1))),
        Arguments.of("symlink through '..' in the middle", with(FileEntry.symlink("a/l1", "b/../../x", 1))),
        Arguments.of("symlink through '..' in the middle, staying inside", with(FileEntry.symlink("a/l1", "b/../x.py", 1))),
        Arguments.of("symlink with './'", with(FileEntry.symlink("l1", "./top.txt", 1))),
        Arguments.of("symlink with a backslash", with(FileEntry.symlink("a/l1", "..\\..\\x", 1))),
        Arguments.of("symlink with empty target", with(FileEntry.symlink("l1", "", 1))),
        Arguments.of("symlink with NUL", with(FileEntry.symlink("l1", "top\0.txt", 1))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hostile")
  void rejects(String name, List<FileEntry> entries) {
    PathViolation v = assertThrows(PathViolation.class, () -> ManifestValidator.validate(entries), name);
    assertTrue(v.getMessage() != null && !v.getMessage().isBlank());
  }

  @Test
  void rejectionDoesNotDependOnEntryOrder() {
    List<FileEntry> l = new ArrayList<>(with(file("../evil")));
    java.util.Collections.reverse(l);
    assertThrows(PathViolation.class, () -> ManifestValidator.validate(l));
  }
}
