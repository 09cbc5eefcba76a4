package dev.syncnode.manifest;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Gitignore-like ignore rules.
 *
 * <ul>
 *   <li>{@code name/} (trailing slash) matches directories only; the walk then skips everything
 *       below them.
 *   <li>A pattern without a slash ({@code *.pyc}, {@code .env}) matches an entry name at any depth.
 *   <li>A pattern with a slash inside ({@code build/out}, {@code /dist}) is anchored at the root.
 *   <li>{@code *} and {@code ?} do not cross '/', {@code **} does; {@code [abc]} is a class.
 *   <li>{@code !pattern} re-includes; the last matching rule wins. Blank lines and {@code #} comments
 *       are skipped.
 * </ul>
 *
 * The walker checks every entry on its way down, so a directory rule also hides the whole subtree.
 */
public final class IgnoreRules {
  private record Rule(Pattern pattern, boolean dirOnly, boolean anchored, boolean negate) {}

  private final List<Rule> rules;
  private final List<String> source;

  private static volatile IgnoreRules last = new IgnoreRules(List.of(), List.of());

  private IgnoreRules(List<Rule> rules, List<String> source) {
    this.rules = rules;
    this.source = source;
  }

  /** The rules of {@code patterns}; the last list asked for is remembered, as every sync asks with the same one. */
  public static IgnoreRules of(List<String> patterns) {
    IgnoreRules cached = last;
    if (cached.source.equals(patterns)) {
      return cached;
    }
    IgnoreRules built = parse(patterns);
    last = built;
    return built;
  }

  private static IgnoreRules parse(List<String> patterns) {
    List<Rule> rules = new ArrayList<>();
    for (String raw : patterns) {
      String p = raw == null ? "" : raw.strip();
      if (p.isEmpty() || p.startsWith("#")) {
        continue;
      }
      boolean negate = p.startsWith("!");
      if (negate) {
        p = p.substring(1);
      }
      boolean dirOnly = p.endsWith("/");
      while (p.endsWith("/")) {
        p = p.substring(0, p.length() - 1);
      }
      boolean anchored = p.contains("/");
      while (p.startsWith("/")) {
        p = p.substring(1);
      }
      if (p.isEmpty()) {
        continue;
      }
      rules.add(new Rule(Pattern.compile(globToRegex(p)), dirOnly, anchored, negate));
    }
    return new IgnoreRules(List.copyOf(rules), List.copyOf(patterns));
  }

  public List<String> patterns() {
    return source;
  }

  /**
   * Whether the entry at {@code relPath} (normalised, '/'-separated) is ignored. Only the entry itself
   * is judged; callers walk top-down and stop at ignored directories.
   */
  public boolean isIgnored(String relPath, boolean isDir) {
    if (rules.isEmpty() || relPath.isEmpty()) {
      return false;
    }
    int slash = relPath.lastIndexOf('/');
    String name = slash < 0 ? relPath : relPath.substring(slash + 1);
    boolean ignored = false;
    for (Rule r : rules) {
      if (r.dirOnly && !isDir) {
        continue;
      }
      String subject = r.anchored ? relPath : name;
      if (r.pattern.matcher(subject).matches()) {
        ignored = !r.negate;
      }
    }
    return ignored;
  }

  /** Whether {@code relPath} or any of its parent directories is ignored. */
  public boolean isIgnoredWithParents(String relPath, boolean isDir) {
    if (relPath.isEmpty()) {
      return false;
    }
    int idx = -1;
    while ((idx = relPath.indexOf('/', idx + 1)) >= 0) {
      if (isIgnored(relPath.substring(0, idx), true)) {
        return true;
      }
    }
    return isIgnored(relPath, isDir);
  }

  static String globToRegex(String glob) {
    StringBuilder re = new StringBuilder();
    for (int i = 0; i < glob.length(); i++) {
      char c = glob.charAt(i);
      switch (c) {
        case '*':
          if (i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
            i++;
            if (i + 1 < glob.length() && glob.charAt(i + 1) == '/') {
              i++;
              re.append("(?:.*/)?");
            } else {
              re.append(".*");
            }
          } else {
            re.append("[^/]*");
          }
          break;
        case '?':
          re.append("[^/]");
          break;
        case '[':
          int end = glob.indexOf(']', i + 1);
          if (end > i + 1) {
            String cls = glob.substring(i + 1, end).replace("\\", "\\\\");
            if (cls.startsWith("!")) {
              cls = "^" + cls.substring(1);
            }
            re.append('[').append(cls).append(']');
            i = end;
          } else {
            re.append("\\[");
          }
          break;
        default:
          if ("\\.^$+{}()|".indexOf(c) >= 0) {
            re.append('\\');
          }
          re.append(c);
      }
    }
    return re.toString();
  }
}
