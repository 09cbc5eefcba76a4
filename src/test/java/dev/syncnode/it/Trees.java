package dev.syncnode.it;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Stream;

/** Describes directory trees so tests can compare a master's spider and a worker's copy exactly. */
public final class Trees {
  private Trees() {}

  /**
   * path -> "dir mode" | "file mode sha256" | "link target", for every entry under root whose
   * relative path passes {@code include}.
   */
  public static Map<String, String> describe(Path root, Predicate<String> include) throws IOException {
    Map<String, String> out = new TreeMap<>();
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
        String rel = root.relativize(dir).toString();
        if (rel.isEmpty()) {
          return FileVisitResult.CONTINUE;
        }
        if (!include.test(rel)) {
          return FileVisitResult.SKIP_SUBTREE;
        }
        out.put(rel, "dir " + perms(dir));
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        String rel = root.relativize(file).toString();
        if (!include.test(rel)) {
          return FileVisitResult.CONTINUE;
        }
        if (attrs.isSymbolicLink()) {
          out.put(rel, "link " + Files.readSymbolicLink(file));
        } else {
          out.put(rel, "file " + perms(file) + " " + sha256(file));
        }
        return FileVisitResult.CONTINUE;
      }
    });
    return out;
  }

  /** Everything except the worker's reserved area. */
  public static Map<String, String> describe(Path root) throws IOException {
    return describe(root, rel -> !rel.equals(".syncnode") && !rel.startsWith(".syncnode/"));
  }

  static String perms(Path p) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
  }

  public static String sha256(Path file) throws IOException {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(md.digest(Files.readAllBytes(file)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public static Path write(Path root, String rel, String content) throws IOException {
    Path p = root.resolve(rel);
    Files.createDirectories(p.getParent());
    Files.writeString(p, content);
    return p;
  }

  public static Path write(Path root, String rel, byte[] content) throws IOException {
    Path p = root.resolve(rel);
    Files.createDirectories(p.getParent());
    Files.write(p, content);
    return p;
  }

  /** A sparse file of {@code size} zero bytes (no disk written), its directories created. */
  public static Path sparse(Path root, String rel, long size) throws IOException {
    Path p = root.resolve(rel);
    Files.createDirectories(p.getParent());
    try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(p.toFile(), "rw")) {
      f.setLength(size);
    }
    return p;
  }

  /** Deletes {@code root} and everything below it, if it exists. */
  public static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  /** n bytes from {@code new Random(seed)}: the same content on every run. */
  public static byte[] random(long seed, int n) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  /** A sample spider: nested dirs, an empty dir, an executable, odd names, an empty file, ignored dirs, links. */
  public static void sampleSpider(Path spider) throws IOException {
    write(spider, "main.py", "print('hello')\n");
    write(spider, "pkg/__init__.py", "");
    write(spider, "pkg/sub/deep/module.py", "X = 1\n".repeat(100));
    write(spider, "run.sh", "#!/bin/sh\necho run\n");
    Files.setPosixFilePermissions(spider.resolve("run.sh"), PosixFilePermissions.fromString("rwxr-xr-x"));
    write(spider, "name with spaces.txt", "spaces\n");
    write(spider, "données/naïve-ファイル.txt", "unicode\n");
    Files.createDirectories(spider.resolve("empty/dir"));
    write(spider, "poetry.lock", "lock\n");
    write(spider, ".git/HEAD", "ref: refs/heads/main\n");
    write(spider, "node_modules/left-pad/index.js", "module.exports = 1\n");
    write(spider, "pkg/__pycache__/x.cpython-311.pyc", "bytecode");
    write(spider, "pkg/stale.pyc", "bytecode");
    Files.createSymbolicLink(spider.resolve("link-to-main.py"), Path.of("main.py"));
    Files.createSymbolicLink(spider.resolve("pkg/sub/up"), Path.of("../../pkg"));
  }

  /** Whether a relative path is under an ignored name of the default rules. */
  public static boolean notIgnored(String rel) {
    for (String seg : rel.split("/")) {
      if (seg.equals(".git") || seg.equals("node_modules") || seg.equals("__pycache__") || seg.endsWith(".pyc")
          || seg.equals(".syncnode")) {
        return false;
      }
    }
    return true;
  }
}
