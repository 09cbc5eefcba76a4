package dev.syncnode.transport.http;

/**
 * One byte range of a file of known size, parsed from a {@code Range} header: {@code bytes=N-},
 * {@code bytes=N-M} or the suffix form {@code bytes=-S}. Pure; unit-tested without Vert.x.
 *
 * @param start first byte, inclusive
 * @param end last byte, inclusive ({@code start - 1} for an empty file)
 * @param partial whether this answers a range request (206) rather than the whole file (200)
 */
record ByteRange(long start, long end, boolean partial) {

  long length() {
    return end - start + 1;
  }

  static ByteRange whole(long size) {
    return new ByteRange(0, size - 1, false);
  }

  /**
   * The range to serve. A missing, malformed or multi-range header is ignored (the whole file, as
   * RFC 9110 allows); a well-formed range that starts at or beyond the end is unsatisfiable and
   * yields null.
   */
  static ByteRange parse(String header, long size) {
    if (header == null) {
      return whole(size);
    }
    String h = header.trim();
    if (!h.regionMatches(true, 0, "bytes=", 0, 6)) {
      return whole(size);
    }
    String spec = h.substring(6).trim();
    int dash = spec.indexOf('-');
    if (spec.indexOf(',') >= 0 || dash < 0) {
      return whole(size);
    }
    String first = spec.substring(0, dash).trim();
    String last = spec.substring(dash + 1).trim();
    long a = digits(first);
    long b = digits(last);
    if (first.isEmpty()) {
      if (b <= 0) {
        return b == 0 ? null : whole(size);
      }
      if (size == 0) {
        return null;
      }
      return new ByteRange(Math.max(0, size - b), size - 1, true);
    }
    if (a < 0 || (!last.isEmpty() && (b < 0 || b < a))) {
      return whole(size);
    }
    if (a >= size) {
      return null;
    }
    long end = last.isEmpty() ? size - 1 : Math.min(b, size - 1);
    return new ByteRange(a, end, true);
  }

  /** Non-negative decimal value, or -1 when empty, not all digits, or too large. */
  private static long digits(String s) {
    if (s.isEmpty() || s.length() > 18) {
      return -1;
    }
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return -1;
      }
    }
    return Long.parseLong(s);
  }

  String contentRange(long size) {
    return "bytes " + start + "-" + end + "/" + size;
  }
}
