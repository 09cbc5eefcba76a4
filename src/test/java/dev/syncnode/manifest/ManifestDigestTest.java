package dev.syncnode.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** The Merkle-style manifest digest; pure. */
class ManifestDigestTest {
  static final String EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

  static List<FileEntry> sample() {
    List<FileEntry> l = new ArrayList<>();
    l.add(FileEntry.dir("pkg", 0755, 1000));
    l.add(FileEntry.file("pkg/a.py", 12, 0644, 1000, "a".repeat(64)));
    l.add(FileEntry.file("run.sh", 30, 0755, 1000, "b".repeat(64)));
    l.add(FileEntry.symlink("link", "run.sh", 1000));
    l.add(FileEntry.dir("empty", 0755, 1000));
    return l;
  }

  static String digest(List<FileEntry> entries) {
    return Manifest.of("s", "", entries).digest();
  }

  static List<FileEntry> replace(List<FileEntry> in, String path, UnaryOperator<FileEntry> change) {
    List<FileEntry> out = new ArrayList<>();
    for (FileEntry e : in) {
      out.add(e.path().equals(path) ? change.apply(e) : e);
    }
    return out;
  }

  @Test
  void emptyManifestIsStable() {
    assertEquals(EMPTY_SHA256, digest(List.of()));
    assertEquals(digest(List.of()), Manifest.of("other", "sub", List.of()).digest());
  }

  @Test
  void independentOfInputOrder() {
    List<FileEntry> entries = sample();
    String expected = digest(entries);
    Random rnd = new Random(7);
    for (int i = 0; i < 20; i++) {
      List<FileEntry> shuffled = new ArrayList<>(entries);
      Collections.shuffle(shuffled, rnd);
      assertEquals(expected, digest(shuffled));
    }
  }

  @Test
  void independentOfMtime() {
    List<FileEntry> touched = new ArrayList<>();
    for (FileEntry e : sample()) {
      touched.add(new FileEntry(e.path(), e.type(), e.size(), e.mode(), e.mtime() + 123_456, e.hash(), e.target()));
    }
    assertEquals(digest(sample()), digest(touched));
  }

  @Test
  void changesWithContentModePathTypeAndTarget() {
    String base = digest(sample());
    Set<String> seen = new HashSet<>();
    seen.add(base);
    List<List<FileEntry>> variants = List.of(
        replace(sample(), "pkg/a.py", e -> FileEntry.file(e.path(), e.size(), e.mode(), e.mtime(), "c".repeat(64))),
        replace(sample(), "pkg/a.py", e -> FileEntry.file(e.path(), e.size() + 1, e.mode(), e.mtime(), e.hash())),
        replace(sample(), "run.sh", e -> FileEntry.file(e.path(), e.size(), 0644, e.mtime(), e.hash())),
        replace(sample(), "empty", e -> FileEntry.dir(e.path(), 0700, e.mtime())),
        replace(sample(), "run.sh", e -> FileEntry.file("run2.sh", e.size(), e.mode(), e.mtime(), e.hash())),
        replace(sample(), "link", e -> FileEntry.symlink(e.path(), "pkg/a.py", e.mtime())),
        replace(sample(), "empty", e -> FileEntry.file(e.path(), 0, 0755, e.mtime(), EMPTY_SHA256)));
    for (List<FileEntry> v : variants) {
      String d = digest(v);
      assertNotEquals(base, d, v.toString());
      seen.add(d);
    }
    assertEquals(variants.size() + 1, seen.size(), "every change gives its own digest");
  }

  @Test
  void addingOrRemovingAnEntryChangesIt() {
    List<FileEntry> more = new ArrayList<>(sample());
    more.add(FileEntry.dir("new-empty", 0755, 1));
    assertNotEquals(digest(sample()), digest(more));
    assertNotEquals(digest(sample()), digest(sample().subList(1, sample().size())));
  }

  @Test
  void anySingleChangeInALargeManifestReachesTheRoot() {
    List<FileEntry> big = new ArrayList<>();
    for (int i = 0; i < 1001; i++) {
      big.add(FileEntry.file(String.format("f%04d", i), i, 0644, 1, String.format("%064x", i)));
    }
    String base = digest(big);
    for (int i : new int[] {0, 1, 500, 999, 1000}) {
      List<FileEntry> changed = new ArrayList<>(big);
      FileEntry e = big.get(i);
      changed.set(i, FileEntry.file(e.path(), e.size(), e.mode(), e.mtime(), String.format("%064x", i + 5000)));
      assertNotEquals(base, digest(changed), "entry " + i);
    }
  }

  @Test
  void fieldBoundariesDoNotBlur() {
    // "a" + target "b/c" must not digest like "a/b" + target "c" etc.
    assertNotEquals(digest(List.of(FileEntry.symlink("ab", "c", 1))),
        digest(List.of(FileEntry.symlink("a", "bc", 1))));
    assertNotEquals(digest(List.of(FileEntry.file("x", 12, 0644, 1, "d".repeat(64)))),
        digest(List.of(FileEntry.file("x", 1, 0644, 1, "d".repeat(64)))));
  }
}
