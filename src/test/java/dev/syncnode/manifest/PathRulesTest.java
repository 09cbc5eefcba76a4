package dev.syncnode.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Spider ids, path normalisation and lexical link checks; pure. */
class PathRulesTest {

  @ParameterizedTest
  @ValueSource(strings = {"spider1", "A", "my-spider_v2.0", "...", "a..b", "-x", "0"})
  void validSpiderIds(String id) {
    assertTrue(PathRules.isValidSpiderId(id), id);
    assertEquals(id, PathRules.requireSpiderId(id));
  }

  @Test
  void longestValidSpiderId() {
    assertTrue(PathRules.isValidSpiderId("a".repeat(128)));
    assertFalse(PathRules.isValidSpiderId("a".repeat(129)));
  }

  static String[] invalidIds() {
    return new String[] {".", "..", "a/b", "/abs", "a\\b", "", " ", "a b", "a\0b", "\0", "a\nb", "ü", "a:b",
        "../x", "x/..", "%2e%2e"};
  }

  @ParameterizedTest
  @MethodSource("invalidIds")
  void invalidSpiderIds(String id) {
    assertFalse(PathRules.isValidSpiderId(id), PathRules.printable(id));
    assertThrows(PathViolation.class, () -> PathRules.requireSpiderId(id));
  }

  @Test
  void nullSpiderIdIsInvalid() {
    assertFalse(PathRules.isValidSpiderId(null));
    assertThrows(PathViolation.class, () -> PathRules.requireSpiderId(null));
  }

  @ParameterizedTest
  @CsvSource(value = {
      "'',''", "'.',''", "'/',''", "'./',''", "a,a", "a/b,a/b", "a/./b,a/b", "./a,a", "a//b/,a/b", "a/b/.,a/b",
      "'name with spaces.txt','name with spaces.txt'", "données/naïve-ファイル.txt,données/naïve-ファイル.txt",
      "...,...", "a..b/c,a..b/c", ".hidden/x,.hidden/x"})
  void normalizeAcceptsAndCanonicalises(String raw, String expected) {
    assertEquals(expected, PathRules.normalize(raw));
  }

  @Test
  void normalizeOfNullIsTheRoot() {
    assertEquals("", PathRules.normalize(null));
  }

  static String[] rejectedPaths() {
    return new String[] {"..", "../x", "a/..", "a/../b", "a/../../x", "./../x", "/abs", "/etc/passwd", "//x",
        "a\\b", "..\\x", "a\0b", "\0", "a\nb", "a\rb", "tab\there", "del\u007f", "esc\u001b[0m", "C:/x", "c:",
        "x".repeat(PathRules.MAX_PATH_LENGTH + 1)};
  }

  @ParameterizedTest
  @MethodSource("rejectedPaths")
  void normalizeRejects(String raw) {
    assertThrows(PathViolation.class, () -> PathRules.normalize(raw), PathRules.printable(raw));
  }

  @Test
  void longestAcceptedPath() {
    String max = "x".repeat(PathRules.MAX_PATH_LENGTH);
    assertEquals(max, PathRules.normalize(max));
  }

  @Test
  void violationMessagesArePrintable() {
    PathViolation v = assertThrows(PathViolation.class, () -> PathRules.normalize("a\0b/\u001b"));
    assertFalse(v.getMessage().chars().anyMatch(c -> c < 0x20), v.getMessage());
  }

  @Test
  void resolveInsideStaysUnderTheRoot() {
    Path root = Path.of("/srv/ws/spider");
    assertEquals(root, PathRules.resolveInside(root, ""));
    assertEquals(root.resolve("a/b"), PathRules.resolveInside(root, "a/./b"));
    assertThrows(PathViolation.class, () -> PathRules.resolveInside(root, "../spider2/x"));
    assertThrows(PathViolation.class, () -> PathRules.resolveInside(root, "/etc/passwd"));
  }

  @ParameterizedTest
  @CsvSource({
      "l, x, true",
      "l, ., true",
      "l, sub/x, true",
      "a/l, ../x, true",
      "a/l, .., true",
      "a/b/l, ../../x, true",
      "a/b/l, ../../a/b/c, true",
      "a/l, b/../../x, true",      // lexically inside: isNormalLinkTarget is what refuses it
      "l, .., false",
      "l, ../x, false",
      "a/l, ../../x, false",
      "a/b/l, ../../../x, false",
      "a/l, b/../../../x, false",
      "l, x/../.., false",
      "l, /etc/passwd, false",
      "l, /, false",
  })
  void linkStaysInside(String link, String target, boolean inside) {
    assertEquals(inside, PathRules.linkStaysInside(link, target), link + " -> " + target);
  }

  @Test
  void linkTargetsThatAreNeverInside() {
    assertFalse(PathRules.linkStaysInside("l", ""));
    assertFalse(PathRules.linkStaysInside("l", null));
    assertFalse(PathRules.linkStaysInside("a/l", "x\0y"));
    assertFalse(PathRules.linkStaysInside("a/l", "..\\..\\x"));
  }

  @ParameterizedTest
  @CsvSource({
      "x, true", "., true", "../x, true", "../../a/b, true", "a/b/c, true", "..., true",
      "a/../b, false", "./a, false", "a/./b, false", "a//b, false", "a/, false", "'', false", "../a/.., false"})
  void normalLinkTargets(String target, boolean normal) {
    assertEquals(normal, PathRules.isNormalLinkTarget(target), target);
  }

  @Test
  void reservedArea() {
    assertTrue(PathRules.isReserved(".syncnode"));
    assertTrue(PathRules.isReserved(".syncnode/tmp/x.part"));
    assertFalse(PathRules.isReserved(".syncnodes"));
    assertFalse(PathRules.isReserved("a/.syncnode"));
  }

  @Test
  void relativePathsUseSlashes() {
    Path base = Path.of("/ws/spider");
    assertEquals("pkg/sub/a.py", PathRules.relative(base, base.resolve("pkg").resolve("sub").resolve("a.py")));
    assertEquals("a.py", PathRules.relative(base, base.resolve("a.py")));
    assertEquals("", PathRules.relative(base, base));
  }
}
