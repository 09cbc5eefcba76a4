package dev.syncnode.manifest;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Confinement rules shared by master and worker: which spider ids are valid and which relative paths
 * may be used. Lexical checks only (no file system access); the master adds a real-path check for
 * symlinks on top.
 */
public final class PathRules {
  /** Maximum length of a relative path, in characters. */
  public static final int MAX_PATH_LENGTH = 4096;
  /** Name reserved on workers for the temp and state area inside a destination. */
  public static final String RESERVED_DIR = ".syncnode";

  private static final Pattern SPIDER_ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");

  private PathRules() {}

  public static boolean isValidSpiderId(String id) {
    return id != null && SPIDER_ID.matcher(id).matches() && !id.equals(".") && !id.equals("..");
  }

  /** Throws {@link PathViolation} unless {@code id} is a valid spider id. */
  public static String requireSpiderId(String id) {
    if (!isValidSpiderId(id)) {
      throw new PathViolation("invalid spider id: " + printable(id));
    }
    return id;
  }

  /**
   * Normalises a relative path: '/'-separated, no empty or "." segments, no "..", no absolute path,
   * no backslash, NUL or control characters. The empty string (or "." / "/") stands for the root.
   *
   * @throws PathViolation if the path is not acceptable
   */
  public static String normalize(String raw) {
    if (raw == null) {
      return "";
    }
    if (raw.length() > MAX_PATH_LENGTH) {
      throw new PathViolation("path too long (" + raw.length() + " chars)");
    }
    if (raw.startsWith("/") && raw.length() > 1) {
      throw new PathViolation("absolute path not allowed: " + printable(raw));
    }
    List<String> parts = new ArrayList<>();
    for (String seg : raw.split("/", -1)) {
      if (seg.isEmpty() || seg.equals(".")) {
        continue;
      }
      if (seg.equals("..")) {
        throw new PathViolation("path escapes its root: " + printable(raw));
      }
      for (int i = 0; i < seg.length(); i++) {
        char c = seg.charAt(i);
        if (c == '\\' || c < 0x20 || c == 0x7f) {
          throw new PathViolation("illegal character in path: " + printable(raw));
        }
      }
      if (seg.length() >= 2 && seg.charAt(1) == ':' && parts.isEmpty()) {
        throw new PathViolation("drive path not allowed: " + printable(raw));
      }
      parts.add(seg);
    }
    return String.join("/", parts);
  }

  /**
   * Resolves a relative path under {@code root}, lexically. The result is guaranteed to be inside
   * {@code root} (or equal to it for the empty path).
   */
  public static Path resolveInside(Path root, String relative) {
    String norm = normalize(relative);
    Path base = root.toAbsolutePath().normalize();
    Path p = norm.isEmpty() ? base : base.resolve(norm).normalize();
    if (!p.startsWith(base)) {
      throw new PathViolation("path escapes its root: " + printable(relative));
    }
    return p;
  }

  /** {@code p} relative to {@code base}, '/'-separated whatever the platform's separator (lexical). */
  public static String relative(Path base, Path p) {
    String r = base.relativize(p).toString();
    String sep = p.getFileSystem().getSeparator();
    return sep.equals("/") ? r : r.replace(sep, "/");
  }

  /**
   * Whether a symlink at {@code linkPath} (relative, normalised) pointing at {@code target} stays
   * inside the root, judged lexically. Absolute targets never do.
   */
  public static boolean linkStaysInside(String linkPath, String target) {
    if (target == null || target.isEmpty() || target.startsWith("/") || target.indexOf('\0') >= 0
        || target.indexOf('\\') >= 0) {
      return false;
    }
    List<String> stack = new ArrayList<>(List.of(linkPath.split("/")));
    stack.remove(stack.size() - 1);
    for (String seg : target.split("/")) {
      if (seg.isEmpty() || seg.equals(".")) {
        continue;
      }
      if (seg.equals("..")) {
        if (stack.isEmpty()) {
          return false;
        }
        stack.remove(stack.size() - 1);
      } else {
        stack.add(seg);
      }
    }
    return true;
  }

  /** Leading ".." segments only, then plain names: no "." and no ".." in the middle. */
  public static boolean isNormalLinkTarget(String target) {
    if (target.equals(".")) {
      return true;
    }
    boolean names = false;
    for (String seg : target.split("/", -1)) {
      if (seg.isEmpty() || seg.equals(".")) {
        return false;
      }
      if (seg.equals("..")) {
        if (names) {
          return false;
        }
      } else {
        names = true;
      }
    }
    return true;
  }

  /** Whether a normalised path lies in the reserved worker area. */
  public static boolean isReserved(String normalized) {
    return normalized.equals(RESERVED_DIR) || normalized.startsWith(RESERVED_DIR + "/");
  }

  /**
   * {@code s} made safe to show in logs, reports and JSON: backslash, control characters, DEL, line
   * separators and the replacement character of undecodable bytes become escapes; at most
   * {@value #MAX_ESCAPED} characters of it are kept. Display only: never used as a path again.
   */
  public static String escape(String s) {
    return escape(s, true);
  }

  /**
   * A name that should already be escaped (from a master), made safe to log whatever it holds: as
   * {@link #escape} but backslashes stay, so an escaped name comes out unchanged.
   */
  public static String displaySafe(String s) {
    return escape(s == null ? "" : s, false);
  }

  private static String escape(String s, boolean backslash) {
    StringBuilder b = new StringBuilder();
    int i = 0;
    for (; i < s.length() && b.length() < MAX_ESCAPED; i++) {
      char c = s.charAt(i);
      if (c == '\\' && backslash) {
        b.append("\\\\");
      } else if (c < 0x20 || c == 0x7f) {
        b.append(String.format("\\x%02x", (int) c));
      } else if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029' || c == '\ufffd') {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    if (i < s.length()) {
      b.append("...");
    }
    return b.toString();
  }

  /** Longest escaped name kept by {@link #escape}. */
  static final int MAX_ESCAPED = 1024;

  static String printable(String s) {
    if (s == null) {
      return "null";
    }
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length() && i < 200; i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        b.append(String.format("\\x%02x", (int) c));
      } else {
        b.append(c);
      }
    }
    if (s.length() > 200) {
      b.append("...");
    }
    return '"' + b.toString() + '"';
  }
}
