package dev.syncnode.config;

import java.time.Duration;
import java.util.Locale;

/**
 * Durations as written in the config file: {@code 250ms}, {@code 60s}, {@code 5m}, {@code 1h}; a plain
 * number is milliseconds. Whole non-negative numbers only.
 */
public final class Durations {
  private Durations() {}

  /** Parses {@code text}; throws {@link IllegalArgumentException} with a readable message otherwise. */
  public static Duration parse(String text) {
    if (text == null) {
      throw new IllegalArgumentException("missing duration (expected e.g. 250ms, 60s, 5m, 1h)");
    }
    String s = text.trim().toLowerCase(Locale.ROOT);
    int i = 0;
    while (i < s.length() && Character.isDigit(s.charAt(i))) {
      i++;
    }
    String digits = s.substring(0, i);
    String unit = s.substring(i).trim();
    if (digits.isEmpty()) {
      throw invalid(text);
    }
    long n;
    try {
      n = Long.parseLong(digits);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("duration out of range: \"" + text + "\"");
    }
    try {
      return switch (unit) {
        case "", "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> throw invalid(text);
      };
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("duration out of range: \"" + text + "\"");
    }
  }

  /** The shortest exact form understood by {@link #parse}: 1h, 5m, 60s becomes 1m, 250ms. */
  public static String format(Duration d) {
    long ms = d.toMillis();
    if (ms != 0 && ms % 3_600_000 == 0) {
      return ms / 3_600_000 + "h";
    }
    if (ms != 0 && ms % 60_000 == 0) {
      return ms / 60_000 + "m";
    }
    if (ms != 0 && ms % 1_000 == 0) {
      return ms / 1_000 + "s";
    }
    return ms + "ms";
  }

  private static IllegalArgumentException invalid(String text) {
    return new IllegalArgumentException(
        "invalid duration \"" + text + "\" (expected a whole number with ms, s, m or h, e.g. 250ms, 60s, 5m)");
  }
}
