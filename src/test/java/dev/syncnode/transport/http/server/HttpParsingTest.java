package dev.syncnode.transport.http.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.syncnode.manifest.FileEntry;
import dev.syncnode.manifest.Manifest;
import dev.syncnode.transport.http.ManifestJson;
import dev.syncnode.transport.http.client.HttpFailures;
import dev.syncnode.transport.http.client.HttpSyncSource;
import dev.syncnode.transport.http.client.RetryAfter;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Pure parsing and formatting of the HTTP transport. */
class HttpParsingTest {
  @Test
  void byteRanges() {
    assertEquals(new ByteRange(0, 99, false), ByteRange.parse(null, 100));
    assertEquals(new ByteRange(10, 99, true), ByteRange.parse("bytes=10-", 100));
    assertEquals(new ByteRange(10, 19, true), ByteRange.parse("bytes=10-19", 100));
    assertEquals(new ByteRange(90, 99, true), ByteRange.parse("bytes=90-1000", 100));
    assertEquals(new ByteRange(95, 99, true), ByteRange.parse("bytes=-5", 100));
    assertEquals(new ByteRange(0, 99, true), ByteRange.parse("bytes=-500", 100));
    assertEquals(new ByteRange(99, 99, true), ByteRange.parse("bytes=99-99", 100));
    assertNull(ByteRange.parse("bytes=100-", 100));
    assertNull(ByteRange.parse("bytes=200-300", 100));
    assertNull(ByteRange.parse("bytes=0-", 0));
    assertNull(ByteRange.parse("bytes=-0", 100));
    // a start past the end is unsatisfiable however large it is (issue 12, item 12)
    for (String h : List.of("bytes=9223372036854775807-", "bytes=9223372036854775806-9223372036854775807",
        "bytes=9223372036854775808-", "bytes=99999999999999999999999-")) {
      assertNull(ByteRange.parse(h, 100), h);
      assertNull(ByteRange.parse(h, Long.MAX_VALUE - 1), h);
    }
    assertNull(ByteRange.parse("bytes=1000000000000000000-", 100));
    // a huge end or suffix means "to the end": no overflow of start + length
    assertEquals(new ByteRange(10, 99, true), ByteRange.parse("bytes=10-9223372036854775807", 100));
    assertEquals(new ByteRange(10, 99, true), ByteRange.parse("bytes=10-99999999999999999999999", 100));
    assertEquals(new ByteRange(0, 99, true), ByteRange.parse("bytes=-9223372036854775807", 100));
    assertEquals(new ByteRange(0, 99, true), ByteRange.parse("bytes=-99999999999999999999999", 100));
    ByteRange tail = ByteRange.parse("bytes=1-", Long.MAX_VALUE);
    assertEquals(Long.MAX_VALUE - 1, tail.length());
    assertEquals(Long.MAX_VALUE, ByteRange.parse(null, Long.MAX_VALUE).length());
    // malformed or multi-range headers are ignored: the whole file
    for (String h : List.of("bytes=5-2", "bytes=a-", "items=1-2", "bytes=1-2,4-5", "bytes=--1", "bytes=")) {
      assertEquals(ByteRange.whole(100), ByteRange.parse(h, 100), h);
    }
    assertEquals(10, ByteRange.parse("bytes=10-19", 100).length());
    assertEquals("bytes 10-19/100", ByteRange.parse("bytes=10-19", 100).contentRange(100));
  }

  @Test
  void rawPathChecks() {
    assertNull(ApiGuard.rawPathProblem("/api/sync/spider1/scan"));
    assertNull(ApiGuard.rawPathProblem("/api/sync/my.spider-2/download"));
    assertNull(ApiGuard.rawPathProblem("/api/sync/caf%C3%A9/scan"));
    assertNotNull(ApiGuard.rawPathProblem("/api/sync/../scan"));
    assertNotNull(ApiGuard.rawPathProblem("/api/sync/%2e%2e/scan"));
    assertNotNull(ApiGuard.rawPathProblem("/api/sync/%2E./scan"));
    assertNotNull(ApiGuard.rawPathProblem("/api/sync/./scan"));
    assertNotNull(ApiGuard.rawPathProblem("/api/sync/a%2fb/scan"));
    assertNotNull(ApiGuard.rawPathProblem("/api/sync/a%5cb/scan"));
    assertNotNull(ApiGuard.rawPathProblem("/api/sync/a%00/scan"));
    assertNotNull(ApiGuard.rawPathProblem("/api/sync/a%zz/scan"));
    assertNotNull(ApiGuard.rawPathProblem("/api/sync/a%2/scan"));
  }

  @Test
  void retryAfter() {
    Instant now = Instant.parse("2025-01-01T00:00:00Z");
    assertEquals(0, RetryAfter.millis("0", now));
    assertEquals(3000, RetryAfter.millis(" 3 ", now));
    assertEquals(-1, RetryAfter.millis(null, now));
    assertEquals(-1, RetryAfter.millis("soon", now));
    assertEquals(10_000, RetryAfter.millis("Wed, 01 Jan 2025 00:00:10 GMT", now));
  }

  @Test
  void contentRange() {
    assertArrayEquals(new long[] {5, 9, 10}, HttpSyncSource.parseContentRange("bytes 5-9/10"));
    assertArrayEquals(new long[] {5, 9, -1}, HttpSyncSource.parseContentRange("bytes 5-9/*"));
    assertNull(HttpSyncSource.parseContentRange("bytes */10"));
    assertNull(HttpSyncSource.parseContentRange("bytes 9-5/10"));
    assertNull(HttpSyncSource.parseContentRange(null));
  }

  @Test
  void snippetIsShortAndPrintable() {
    String html = "<html>\n<body>" + "x".repeat(500) + "</body></html>";
    String s = HttpFailures.snippet(Buffer.buffer(html));
    assertTrue(s.startsWith("\"<html> <body>xxx"), s);
    assertTrue(s.endsWith("\"..."), s);
    assertTrue(s.length() <= HttpFailures.SNIPPET_BYTES + 5);
    assertEquals("(empty)", HttpFailures.snippet(Buffer.buffer()));
  }

  @Test
  void manifestJsonRoundTrip() {
    String hash = "a".repeat(64);
    Manifest m = Manifest.of("s1", "", List.of(
        FileEntry.dir("pkg", 0755, 1000),
        FileEntry.file("pkg/a.py", 3, 0644, 2000, hash),
        FileEntry.symlink("link", "pkg/a.py", 3000)));
    StringBuilder body = new StringBuilder(ManifestJson.head(m));
    for (int i = 0; i < m.entries().size(); i++) {
      body.append(i > 0 ? "," : "").append(ManifestJson.entry(m.entries().get(i)).encode());
    }
    body.append(ManifestJson.TAIL);
    JsonObject json = new JsonObject(body.toString());
    assertEquals(3, json.getInteger("total"));
    JsonObject link = json.getJsonArray("entries").getJsonObject(0);
    JsonObject file = json.getJsonArray("entries").getJsonObject(2);
    assertEquals("link", link.getString("path"));
    assertEquals("pkg/a.py", link.getString("target"));
    assertEquals(hash, file.getString("hash"));
    assertEquals(0644, file.getInteger("mode"));
    assertNull(file.getString("target"), "target only for symlinks");
    assertEquals(m, ManifestJson.parse(json));
  }
}
