import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Test trees for scripts/bench.sh (run with `java GenTree.java MODE ...`; JDK only, deterministic):
 *   small DIR COUNT SEED [MAXKB]  COUNT files of 1-MAXKB KiB (default 64), half Python-like text, half random
 *   big DIR                       five random binaries of 5, 10, 20, 35 and 50 MiB under data/
 *   many DIR COUNT SEED           COUNT small Python modules (100 B - 2 KiB) in nested packages
 *   python DIR MB SEED            about MB MiB of Python source files (4-40 KiB each)
 *   blob FILE MB SEED             one random binary of MB MiB
 *   touch DIR PERCENT SEED        rewrites PERCENT % of the files under DIR/src (same kind, new bytes)
 *   patch FILE OFFSET LEN SEED    overwrites LEN random bytes at OFFSET
 */
public class GenTree {
  static final String[] WORDS = {"response", "item", "yield", "self", "quote", "author", "page", "request",
      "parse", "css", "xpath", "text", "url", "next", "follow", "callback", "meta", "settings", "pipeline",
      "spider", "crawl", "start_urls", "allowed_domains", "headers", "cookies", "data", "json", "loads"};

  public static void main(String[] a) throws IOException {
    switch (a[0]) {
      case "small" -> small(Path.of(a[1]), Integer.parseInt(a[2]), Long.parseLong(a[3]),
          a.length > 4 ? Integer.parseInt(a[4]) : 64);
      case "big" -> big(Path.of(a[1]));
      case "many" -> many(Path.of(a[1]), Integer.parseInt(a[2]), Long.parseLong(a[3]));
      case "python" -> python(Path.of(a[1]), Long.parseLong(a[2]) << 20, Long.parseLong(a[3]));
      case "blob" -> blob(Path.of(a[1]), Integer.parseInt(a[2]), Long.parseLong(a[3]));
      case "touch" -> touch(Path.of(a[1]), Double.parseDouble(a[2]), Long.parseLong(a[3]));
      case "patch" -> patch(Path.of(a[1]), Long.parseLong(a[2]), Integer.parseInt(a[3]), Long.parseLong(a[4]));
      default -> throw new IllegalArgumentException("unknown mode " + a[0]);
    }
  }

  static String text(Random r, int bytes) {
    StringBuilder sb = new StringBuilder(bytes + 200);
    int indent = 0;
    while (sb.length() < bytes) {
      String w1 = WORDS[r.nextInt(WORDS.length)];
      String w2 = WORDS[r.nextInt(WORDS.length)];
      switch (r.nextInt(6)) {
        case 0 -> { sb.append("def ").append(w1).append('_').append(r.nextInt(500)).append("(self, ").append(w2)
            .append("):\n"); indent = 1; }
        case 1 -> sb.append("    ".repeat(indent)).append("for ").append(w1).append(" in ").append(w2)
            .append(".css('div.").append(w1).append("'):\n");
        case 2 -> sb.append("    ".repeat(indent + 1)).append("yield {'").append(w1).append("': ").append(w2)
            .append(".get(), 'n': ").append(r.nextInt(100000)).append("}\n");
        case 3 -> sb.append("    ".repeat(indent)).append("# ").append(w1).append(' ').append(w2).append(" of the ")
            .append(WORDS[r.nextInt(WORDS.length)]).append('\n');
        case 4 -> sb.append("    ".repeat(indent)).append(w1).append(" = ").append(w2).append(".xpath('//a[@href]/")
            .append(Integer.toHexString(r.nextInt())).append("')\n");
        default -> { sb.append('\n'); indent = 0; }
      }
    }
    return sb.substring(0, bytes);
  }

  static byte[] random(Random r, int n) {
    byte[] b = new byte[n];
    r.nextBytes(b);
    return b;
  }

  static void write(Path p, byte[] content) throws IOException {
    Files.createDirectories(p.getParent());
    Files.write(p, content);
  }

  static void small(Path dir, int count, long seed, int maxKb) throws IOException {
    Random r = new Random(seed);
    for (int i = 0; i < count; i++) {
      int size = 1024 + r.nextInt((maxKb - 1) * 1024);
      String sub = "src/pkg" + (i % 40) + "/mod" + (i % 7);
      if (i % 2 == 0) {
        write(dir.resolve(sub + "/file" + i + ".py"), text(r, size).getBytes(StandardCharsets.UTF_8));
      } else {
        write(dir.resolve(sub + "/blob" + i + ".dat"), random(r, size));
      }
    }
  }

  static void big(Path dir) throws IOException {
    int[] mib = {5, 10, 20, 35, 50};
    for (int i = 0; i < mib.length; i++) {
      blob(dir.resolve("data/blob" + (i + 1) + ".bin"), mib[i], 42 + i);
    }
  }

  static void blob(Path p, int mib, long seed) throws IOException {
    Random r = new Random(seed);
    byte[] buf = new byte[1 << 20];
    Files.createDirectories(p.getParent());
    try (var out = Files.newOutputStream(p)) {
      for (int m = 0; m < mib; m++) {
        r.nextBytes(buf);
        out.write(buf);
      }
    }
  }

  static void many(Path dir, int count, long seed) throws IOException {
    Random r = new Random(seed);
    for (int i = 0; i < count; i++) {
      String sub = "src/app" + (i % 25) + "/pkg" + (i % 20);
      write(dir.resolve(sub + "/m" + i + ".py"), text(r, 100 + r.nextInt(1950)).getBytes(StandardCharsets.UTF_8));
    }
  }

  static void python(Path dir, long bytes, long seed) throws IOException {
    Random r = new Random(seed);
    long total = 0;
    for (int i = 0; total < bytes; i++) {
      int size = 4096 + r.nextInt(36 * 1024);
      write(dir.resolve("src/lib" + (i % 30) + "/m" + i + ".py"), text(r, size).getBytes(StandardCharsets.UTF_8));
      total += size;
    }
  }

  static void touch(Path dir, double percent, long seed) throws IOException {
    List<Path> files = new ArrayList<>();
    try (Stream<Path> s = Files.walk(dir.resolve("src"))) {
      s.filter(Files::isRegularFile).sorted(Comparator.naturalOrder()).forEach(files::add);
    }
    Random r = new Random(seed);
    int n = Math.max(1, (int) Math.round(files.size() * percent / 100));
    for (int i = 0; i < n; i++) {
      Path p = files.get(r.nextInt(files.size()));
      int size = (int) Files.size(p);
      Files.write(p, p.toString().endsWith(".py") ? text(r, size).getBytes(StandardCharsets.UTF_8) : random(r, size));
    }
    System.out.println(n);
  }

  static void patch(Path file, long offset, int len, long seed) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.seek(offset);
      f.write(random(new Random(seed), len));
    }
  }
}
