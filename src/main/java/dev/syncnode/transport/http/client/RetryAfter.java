package dev.syncnode.transport.http.client;

import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** Parses a {@code Retry-After} header: delay-seconds or an HTTP date. Pure. */
public final class RetryAfter {
  private RetryAfter() {}

  /** Milliseconds to wait, or -1 when the header is absent or unreadable. */
  public static long millis(String header, Instant now) {
    if (header == null || header.isBlank()) {
      return -1;
    }
    String h = header.trim();
    if (h.chars().allMatch(Character::isDigit)) {
      if (h.length() > 9) {
        return -1;
      }
      return Long.parseLong(h) * 1000;
    }
    try {
      Instant at = ZonedDateTime.parse(h, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      return Math.max(0, at.toEpochMilli() - now.toEpochMilli());
    } catch (DateTimeParseException e) {
      return -1;
    }
  }
}
