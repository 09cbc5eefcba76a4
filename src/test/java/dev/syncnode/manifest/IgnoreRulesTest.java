package dev.syncnode.manifest;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.syncnode.config.NodeConfig;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Gitignore-like rules, pure: no file system, no Vert.x. */
class IgnoreRulesTest {
  private static final IgnoreRules DEFAULTS = IgnoreRules.of(NodeConfig.DEFAULT_IGNORE);

  @Test
  void gitDirectoryIsDroppedWithEverythingBelowIt() {
    assertTrue(DEFAULTS.isIgnored(".git", true));
    assertTrue(DEFAULTS.isIgnored("vendor/lib/.git", true), "a .git dir at any depth");
    assertTrue(DEFAULTS.isIgnoredWithParents(".git/HEAD", false));
    assertTrue(DEFAULTS.isIgnoredWithParents(".git/objects/ab/cdef", false));
    assertTrue(DEFAULTS.isIgnoredWithParents(".git/refs/heads", true));
    assertTrue(DEFAULTS.isIgnoredWithParents("a/b/.git/config", false));
  }

  @Test
  void directoryRuleDoesNotMatchAFileOfThatName() {
    // ".git/" is a directory rule: a submodule's ".git" *file* and similar names stay
    assertFalse(DEFAULTS.isIgnored(".git", false));
    assertFalse(DEFAULTS.isIgnored(".gitignore", false));
    assertFalse(DEFAULTS.isIgnored(".github", true));
    assertFalse(DEFAULTS.isIgnoredWithParents(".github/workflows/ci.yml", false));
    assertFalse(DEFAULTS.isIgnoredWithParents("my.git/x", false));
  }

  @Test
  void nodeModulesAndPycacheAtAnyDepth() {
    assertTrue(DEFAULTS.isIgnored("node_modules", true));
    assertTrue(DEFAULTS.isIgnoredWithParents("web/node_modules/left-pad/index.js", false));
    assertTrue(DEFAULTS.isIgnoredWithParents("pkg/__pycache__/x.cpython-311.pyc", false));
    assertFalse(DEFAULTS.isIgnoredWithParents("node_modules_backup/x.js", false));
  }

  @Test
  void starPycMatchesTheNameAtAnyDepth() {
    assertTrue(DEFAULTS.isIgnored("a.pyc", false));
    assertTrue(DEFAULTS.isIgnored("pkg/sub/deep/b.pyc", false));
    assertTrue(DEFAULTS.isIgnored("x.pyo", false));
    assertTrue(DEFAULTS.isIgnored("notes.tmp", false));
    assertTrue(DEFAULTS.isIgnored("dir/.main.py.swp", false));
    assertFalse(DEFAULTS.isIgnored("a.py", false));
    assertFalse(DEFAULTS.isIgnored("a.pyc.txt", false));
    assertFalse(DEFAULTS.isIgnored("pyc", false));
    assertFalse(DEFAULTS.isIgnored("pkg.pyc/inner.py", false), "only the entry's own name is judged");
  }

  @ParameterizedTest
  @ValueSource(strings = {"poetry.lock", "package-lock.json", "yarn.lock", "Cargo.lock", "Pipfile.lock",
      "requirements.txt", "sub/poetry.lock", ".env", "main.py", "run.sh"})
  void lockFilesAndOrdinaryFilesAreNotIgnoredByDefault(String path) {
    assertFalse(DEFAULTS.isIgnoredWithParents(path, false), path);
  }

  @Test
  void patternWithASlashIsAnchoredAtTheRoot() {
    IgnoreRules rules = IgnoreRules.of(List.of("/dist", "build/out", "docs/*.md"));
    assertTrue(rules.isIgnored("dist", true));
    assertTrue(rules.isIgnored("dist", false));
    assertFalse(rules.isIgnored("web/dist", true), "leading slash: root only");
    assertTrue(rules.isIgnored("build/out", true));
    assertFalse(rules.isIgnored("x/build/out", true));
    assertFalse(rules.isIgnored("out", true));
    assertTrue(rules.isIgnored("docs/a.md", false));
    assertFalse(rules.isIgnored("docs/sub/a.md", false), "* does not cross '/'");
    assertFalse(rules.isIgnored("a.md", false));
  }

  @Test
  void doubleStarCrossesDirectories() {
    IgnoreRules rules = IgnoreRules.of(List.of("**/cache", "logs/**"));
    assertTrue(rules.isIgnored("cache", true));
    assertTrue(rules.isIgnored("a/b/cache", true));
    assertTrue(rules.isIgnored("logs/x.log", false));
    assertTrue(rules.isIgnored("logs/2024/01/x.log", false));
    assertFalse(rules.isIgnored("mycache", true));
  }

  @Test
  void negationReincludesAndTheLastMatchingRuleWins() {
    IgnoreRules rules = IgnoreRules.of(List.of("*.log", "!keep.log"));
    assertTrue(rules.isIgnored("a.log", false));
    assertTrue(rules.isIgnored("sub/b.log", false));
    assertFalse(rules.isIgnored("keep.log", false));
    assertFalse(rules.isIgnored("sub/keep.log", false));

    IgnoreRules reversed = IgnoreRules.of(List.of("!keep.log", "*.log"));
    assertTrue(reversed.isIgnored("keep.log", false), "a later rule overrides an earlier negation");
  }

  @Test
  void negatedDirectoryUnderAnIgnoredParentStaysIgnored() {
    // like git: a file cannot be re-included when a parent directory is excluded
    IgnoreRules rules = IgnoreRules.of(List.of("build/", "!build/keep.txt"));
    assertTrue(rules.isIgnoredWithParents("build/keep.txt", false));
  }

  @Test
  void globCharactersAreNotRegexCharacters() {
    IgnoreRules rules = IgnoreRules.of(List.of("file.txt", "a+b(1).txt", "v?.cfg", "[ab].dat", "[!x]y.bin"));
    assertTrue(rules.isIgnored("file.txt", false));
    assertFalse(rules.isIgnored("fileXtxt", false), "'.' is literal");
    assertTrue(rules.isIgnored("a+b(1).txt", false));
    assertFalse(rules.isIgnored("aab1.txt", false));
    assertTrue(rules.isIgnored("v1.cfg", false));
    assertFalse(rules.isIgnored("v12.cfg", false));
    assertFalse(rules.isIgnored("v/.cfg", false), "? does not match '/'");
    assertTrue(rules.isIgnored("a.dat", false));
    assertTrue(rules.isIgnored("b.dat", false));
    assertFalse(rules.isIgnored("c.dat", false));
    assertTrue(rules.isIgnored("zy.bin", false));
    assertFalse(rules.isIgnored("xy.bin", false));
  }

  @Test
  void commentsBlankLinesAndNoRules() {
    IgnoreRules rules = IgnoreRules.of(List.of("# comment", "", "   ", "*.bak"));
    assertFalse(rules.isIgnored("# comment", false));
    assertTrue(rules.isIgnored("x.bak", false));
    assertFalse(IgnoreRules.of(List.of()).isIgnored("x.pyc", false));
    assertFalse(DEFAULTS.isIgnored("", true), "the root itself is never ignored");
  }
}
