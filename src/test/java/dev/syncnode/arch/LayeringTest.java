package dev.syncnode.arch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The package map of the README, enforced: which packages may reference which (a reference is an
 * import or a qualified name of another project package anywhere in a main source file), a
 * package-info for every package, and no main source file over 400 lines.
 */
class LayeringTest {
  private static final Path MAIN = Path.of("src/main/java/dev/syncnode");
  private static final Pattern REFERENCE = Pattern.compile("\\bdev\\.syncnode\\.([a-z][a-z0-9_.]*?)\\.[A-Z*]");
  private static final List<String> ROLES = List.of("master", "worker", "node", "cluster", "cli");

  /** Package (and its sub-packages) -> top-level packages it must not reference. */
  private static final Map<String, List<String>> FORBIDDEN = Map.of(
      "transport", List.of("worker", "cluster", "node", "cli"),
      "master", List.of("worker", "transport", "cluster", "node", "cli"),
      "worker", List.of("master", "cluster", "node", "cli"),
      "delta", ROLES,
      "config", ROLES,
      "security", ROLES,
      "fs", ROLES,
      "piece", ROLES,
      "metrics", ROLES,
      "bus", ROLES);

  @Test
  void packagesReferenceOnlyWhatTheirLayerAllows() throws IOException {
    List<String> violations = new ArrayList<>();
    for (Path file : mainSources()) {
      String pkg = packageOf(file);
      String top = pkg.split("\\.")[0];
      for (String used : referencedPackages(file)) {
        String usedTop = used.split("\\.")[0];
        if (usedTop.equals(top) || usedTop.equals("proto")) {
          continue;
        }
        if (FORBIDDEN.getOrDefault(top, List.of()).contains(usedTop)) {
          violations.add(MAIN.relativize(file) + " -> " + used);
        }
      }
    }
    assertEquals(List.of(), violations);
  }

  @Test
  void manifestIsPure() throws IOException {
    List<String> violations = new ArrayList<>();
    for (Path file : mainSources()) {
      if (packageOf(file).startsWith("manifest")) {
        for (String used : referencedPackages(file)) {
          if (!used.startsWith("manifest")) {
            violations.add(MAIN.relativize(file) + " -> " + used);
          }
        }
        String text = Files.readString(file);
        if (text.contains("import io.vertx") || text.contains("import java.nio.file.Files")) {
          violations.add(MAIN.relativize(file) + " uses Vert.x or file I/O");
        }
      }
    }
    assertEquals(List.of(), violations);
  }

  @Test
  void everyPackageSaysWhatItIsFor() throws IOException {
    List<String> missing = new ArrayList<>();
    try (Stream<Path> dirs = Files.walk(MAIN)) {
      for (Path dir : dirs.filter(Files::isDirectory).toList()) {
        boolean hasSources;
        try (Stream<Path> files = Files.list(dir)) {
          hasSources = files.anyMatch(f -> f.toString().endsWith(".java"));
        }
        if (hasSources && !Files.exists(dir.resolve("package-info.java"))) {
          missing.add(MAIN.relativize(dir).toString());
        }
      }
    }
    assertEquals(List.of(), missing);
  }

  @Test
  void noMainSourceFileIsLongerThan400Lines() throws IOException {
    List<String> tooLong = new ArrayList<>();
    for (Path file : mainSources()) {
      long lines = Files.readAllLines(file).size();
      if (lines > 400) {
        tooLong.add(MAIN.relativize(file) + ": " + lines);
      }
    }
    assertEquals(List.of(), tooLong);
  }

  @Test
  void theScanOfReferencesSeesImports() throws IOException {
    assertTrue(referencedPackages(MAIN.resolve("Main.java")).contains("node"));
  }

  private static List<Path> mainSources() throws IOException {
    try (Stream<Path> files = Files.walk(MAIN)) {
      return files.filter(f -> f.toString().endsWith(".java")).sorted().toList();
    }
  }

  private static String packageOf(Path file) {
    Path rel = MAIN.relativize(file.getParent());
    return rel.toString().isEmpty() ? "" : rel.toString().replace('/', '.');
  }

  private static TreeSet<String> referencedPackages(Path file) throws IOException {
    String text = Files.readString(file).replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\n]*", "");
    TreeSet<String> used = new TreeSet<>();
    Matcher m = REFERENCE.matcher(text);
    while (m.find()) {
      used.add(m.group(1));
    }
    used.remove(packageOf(file));
    return used;
  }
}
