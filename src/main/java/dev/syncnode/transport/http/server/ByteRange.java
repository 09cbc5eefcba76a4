package dev.syncnode.transport.http.server;

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

  /**
   * Non-negative decimal value, or -1 when empty or not all digits. A value beyond {@code long}
   * saturates at {@link Long#MAX_VALUE}: a start that large is past any end (416), an end or a suffix
   * that large means "to the end", and no arithmetic on it can overflow.
   */
  private static long digits(String s) {
    if (s.isEmpty()) {
      return -1;
    }
    long v = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v > (Long.MAX_VALUE - (c - '0')) / 10 ? Long.MAX_VALUE : v * 10 + (c - '0');
    }
    return v;
  }

  String contentRange(long size) {
    return "bytes " + start + "-" + end + "/" + size;
  }
}
