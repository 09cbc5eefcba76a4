package dev.syncnode.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Names Linux allows and the path rules refuse, created for real in a spider directory, next to the
 * good files a sync must still deliver.
 */
public final class BadNames {
  private BadNames() {}

  /** Characters the path rules refuse inside a name, each in its own file name. */
  public static final List<String> REFUSED = List.of("new\nline.txt", "tab\there.txt", "cr\rhere.txt",
      "del\u007fhere.txt", "back\\slash.txt");

  /** What {@link #create} made: the good files (relative path to content) and how many entries were bad. */
  public record Tree(java.util.Map<String, String> good, List<String> badNames, boolean undecodable, boolean deep) {}

  /**
   * Creates good files and bad entries under {@code root}: the refused characters, a top-level
   * {@code a:x}, a directory with a bad name holding a good-looking file, a name that is not valid
   * UTF-8 (if the file system takes it) and a directory chain deeper than PATH_MAX (if it can be made).
   */
  public static Tree create(Path root) throws Exception {
    java.util.Map<String, String> good = new java.util.TreeMap<>();
    good.put("main.py", "print('hello')\n");
    good.put("pkg/mod.py", "x = 1\n");
    good.put("pkg/a:x.py", "colon below the top is fine\n");
    good.put("caf\u00e9.txt", "accent\n");
    for (var e : good.entrySet()) {
      Trees.write(root, e.getKey(), e.getValue());
    }
    List<String> bad = new ArrayList<>(REFUSED);
    for (String name : REFUSED) {
      Files.writeString(root.resolve(name), "bad\n");
    }
    Files.writeString(root.resolve("a:x"), "drive-like\n");
    bad.add("a:x");
    Files.createDirectories(root.resolve("bad\ndir"));
    Files.writeString(root.resolve("bad\ndir").resolve("inner.txt"), "inside a bad directory\n");
    bad.add("bad\ndir");
    long before = count(root);
    boolean undecodable = sh(root, "touch \"$(printf 'bad\\377name')\"") && count(root) == before + 1;
    boolean deep = sh(root, "d=$(printf 'd%.0s' $(seq 1 200)); mkdir -p pkg && cd pkg && for i in $(seq 1 25); do "
        + "mkdir $d && cd -P $d || exit 1; done; echo deep > deep.txt");
    return new Tree(good, bad, undecodable, deep);
  }

  /** Removes {@code root} with rm, which (unlike a Java walk) deletes chains deeper than PATH_MAX. */
  public static void remove(Path root) throws Exception {
    sh(root.getParent(), "rm -rf '" + root.getFileName() + "'");
  }

  /** Entries directly in {@code dir}. */
  static long count(Path dir) throws Exception {
    try (var s = Files.list(dir)) {
      return s.count();
    }
  }

  static boolean sh(Path dir, String script) throws Exception {
    Process p = new ProcessBuilder("sh", "-c", script).directory(dir.toFile()).redirectErrorStream(true).start();
    p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
    return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
  }
}
