package dev.syncnode.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** What a worker must do to turn its tree into the master's; pure. */
class ManifestDiffTest {
  static final String H1 = "1".repeat(64);
  static final String H2 = "2".repeat(64);
  static final String H3 = "3".repeat(64);

  static FileEntry file(String path, String hash) {
    return FileEntry.file(path, 10, 0644, 1000, hash);
  }

  static FileEntry dir(String path) {
    return FileEntry.dir(path, 0755, 1000);
  }

  static List<String> paths(List<FileEntry> entries) {
    return entries.stream().map(FileEntry::path).collect(Collectors.toList());
  }

  @Test
  void identicalTreesNeedNothing() {
    List<FileEntry> tree = List.of(dir("a"), file("a/x", H1), FileEntry.symlink("l", "a/x", 5));
    ManifestDiff d = ManifestDiff.compute(tree, List.copyOf(tree));
    assertTrue(d.isEmpty());
    assertEquals(3, d.unchanged());
  }

  @Test
  void mtimeAloneIsNotAChange() {
    ManifestDiff d = ManifestDiff.compute(List.of(FileEntry.file("x", 10, 0644, 2000, H1)),
        List.of(FileEntry.file("x", 10, 0644, 1000, H1)));
    assertTrue(d.isEmpty());
  }

  @Test
  void addChangeDelete() {
    List<FileEntry> local = List.of(file("same", H1), file("changed", H1), file("gone", H1));
    List<FileEntry> remote = List.of(file("same", H1), file("changed", H2), file("new", H3));
    ManifestDiff d = ManifestDiff.compute(remote, local);
    assertEquals(List.of("changed", "new"), paths(d.downloads()));
    assertEquals(List.of("gone"), paths(d.deletes()));
    assertTrue(d.dirs().isEmpty());
    assertTrue(d.metadata().isEmpty());
    assertEquals(1, d.unchanged());
    assertEquals(20, d.downloadBytes());
  }

  @Test
  void sizeChangeWithTheSameHashIsStillADownload() {
    ManifestDiff d = ManifestDiff.compute(List.of(FileEntry.file("x", 11, 0644, 1, H1)),
        List.of(FileEntry.file("x", 10, 0644, 1, H1)));
    assertEquals(List.of("x"), paths(d.downloads()));
  }

  @Test
  void modeOnlyChangeIsMetadataNotADownload() {
    ManifestDiff d = ManifestDiff.compute(
        List.of(FileEntry.file("run.sh", 10, 0755, 1, H1), FileEntry.dir("d", 0700, 1)),
        List.of(FileEntry.file("run.sh", 10, 0644, 1, H1), FileEntry.dir("d", 0755, 1)));
    assertTrue(d.downloads().isEmpty());
    assertTrue(d.deletes().isEmpty());
    assertEquals(List.of("d", "run.sh"), paths(d.metadata()).stream().sorted().toList());
    assertEquals(0755, d.metadata().stream().filter(e -> e.path().equals("run.sh")).findFirst().get().mode());
  }

  @Test
  void fileBecomesDirectory() {
    List<FileEntry> local = List.of(file("a", H1));
    List<FileEntry> remote = List.of(dir("a"), file("a/x", H2));
    ManifestDiff d = ManifestDiff.compute(remote, local);
    assertEquals(List.of("a"), paths(d.deletes()));
    assertTrue(d.deletes().get(0).isFile(), "the local file goes");
    assertEquals(List.of("a"), paths(d.dirs()));
    assertEquals(List.of("a/x"), paths(d.downloads()));
  }

  @Test
  void directoryBecomesFile() {
    List<FileEntry> local = List.of(dir("a"), dir("a/sub"), file("a/sub/x", H1), file("a/y", H1));
    List<FileEntry> remote = List.of(file("a", H2));
    ManifestDiff d = ManifestDiff.compute(remote, local);
    assertEquals(List.of("a"), paths(d.downloads()));
    assertEquals(List.of("a", "a/sub", "a/sub/x", "a/y"), paths(d.deletes()).stream().sorted().toList(),
        "the whole old directory goes");
    assertChildrenBeforeParents(paths(d.deletes()));
    assertEquals("a", d.deletes().get(d.deletes().size() - 1).path());
    assertTrue(d.dirs().isEmpty());
  }

  @Test
  void fileBecomesSymlinkAndBack() {
    ManifestDiff toLink = ManifestDiff.compute(List.of(FileEntry.symlink("x", "y", 1), file("y", H1)),
        List.of(file("x", H1), file("y", H1)));
    assertEquals(List.of("x"), paths(toLink.deletes()));
    assertEquals(List.of("x"), paths(toLink.links()));
    assertTrue(toLink.downloads().isEmpty());

    ManifestDiff toFile = ManifestDiff.compute(List.of(file("x", H1), file("y", H1)),
        List.of(FileEntry.symlink("x", "y", 1), file("y", H1)));
    assertEquals(List.of("x"), paths(toFile.deletes()));
    assertEquals(EntryType.SYMLINK, toFile.deletes().get(0).type());
    assertEquals(List.of("x"), paths(toFile.downloads()));
    assertTrue(toFile.links().isEmpty());
  }

  @Test
  void symlinkRetarget() {
    ManifestDiff d = ManifestDiff.compute(List.of(FileEntry.symlink("l", "new", 1)),
        List.of(FileEntry.symlink("l", "old", 1)));
    assertEquals(List.of("l"), paths(d.links()));
    assertEquals("new", d.links().get(0).target());
    assertEquals(List.of("l"), paths(d.deletes()));
    assertTrue(d.downloads().isEmpty());

    ManifestDiff same = ManifestDiff.compute(List.of(FileEntry.symlink("l", "t", 1)),
        List.of(FileEntry.symlink("l", "t", 99)));
    assertTrue(same.isEmpty());
  }

  @Test
  void newDirectoriesComeParentsFirst() {
    List<FileEntry> remote = new ArrayList<>(List.of(dir("a/b/c"), dir("z"), dir("a"), dir("a/b"), dir("empty")));
    ManifestDiff d = ManifestDiff.compute(remote, List.of());
    List<String> dirs = paths(d.dirs());
    for (int i = 0; i < dirs.size(); i++) {
      for (int j = i + 1; j < dirs.size(); j++) {
        assertFalse(dirs.get(i).startsWith(dirs.get(j) + "/"), "parent " + dirs.get(j) + " after " + dirs.get(i));
      }
    }
    assertEquals(5, dirs.size());
  }

  @Test
  void deletesDeepestFirstWhateverTheInputOrder() {
    List<FileEntry> local = new ArrayList<>(List.of(dir("a"), dir("a/b"), dir("a/b/c"), file("a/b/c/d.txt", H1),
        file("a/b/e.txt", H1), dir("a-b"), file("a-b/f", H1), file("z.txt", H1), dir("a/bb"), file("a/bb/g", H1)));
    Collections.shuffle(local, new Random(42));
    ManifestDiff d = ManifestDiff.compute(List.of(), local);
    List<String> order = paths(d.deletes());
    assertEquals(local.size(), order.size());
    assertChildrenBeforeParents(order);
    assertEquals("a/b/c/d.txt", order.get(0));
  }

  static void assertChildrenBeforeParents(List<String> order) {
    for (int i = 0; i < order.size(); i++) {
      for (int j = i + 1; j < order.size(); j++) {
        assertFalse(order.get(j).startsWith(order.get(i) + "/"),
            order.get(j) + " (a child) comes after its parent " + order.get(i) + ": " + order);
      }
    }
  }

  @Test
  void deletesOnlyWhatTheMasterDoesNotHave() {
    List<FileEntry> local = List.of(dir("keep"), file("keep/x", H1), dir("drop"), file("drop/y", H1));
    List<FileEntry> remote = List.of(dir("keep"), file("keep/x", H1));
    ManifestDiff d = ManifestDiff.compute(remote, local);
    assertEquals(List.of("drop/y", "drop"), paths(d.deletes()));
    assertEquals(2, d.unchanged());
  }

  @Test
  void sameContentAtManyPathsIsListedForEachPath() {
    ManifestDiff d = ManifestDiff.compute(List.of(file("a", H1), file("b", H1), file("c", H1)), List.of());
    assertEquals(List.of("a", "b", "c"), paths(d.downloads()));
  }
}
