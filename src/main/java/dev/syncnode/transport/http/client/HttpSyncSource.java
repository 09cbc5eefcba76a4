package dev.syncnode.transport.http.client;

import dev.syncnode.config.NodeConfig;
import dev.syncnode.manifest.Manifest;
import dev.syncnode.manifest.ManifestDigest;
import dev.syncnode.security.Auth;
import dev.syncnode.security.TlsOptions;
import dev.syncnode.transport.ScanResult;
import dev.syncnode.transport.SyncSource;
import dev.syncnode.transport.TransportException.Kind;
import dev.syncnode.transport.TransportException;
import dev.syncnode.transport.http.ManifestJson;
import dev.syncnode.transport.http.server.HttpReplies;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.streams.WriteStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's HTTP client to a master (fallback transport). Every answer is checked before it is
 * believed: status, then {@code Content-Type}, then the body (complete JSON of the manifest shape,
 * entry count equal to {@code total}, digest recomputed). Anything else fails with a
 * {@link TransportException} that names the status, the content type and the first bytes of the
 * body. 408/429/5xx are BUSY (retried, honouring {@code Retry-After}); connection failures are
 * UNAVAILABLE. Downloads stream into the sink with back-pressure and resume with
 * {@code Range: bytes=<offset>-}.
 */
public final class HttpSyncSource implements SyncSource {
  private static final Logger LOG = LoggerFactory.getLogger(HttpSyncSource.class);
  /** Largest manifest accepted, as for gRPC. */
  public static final int MAX_ENTRIES = 1_000_000;
  static final int POOL_SIZE = 8;

  private final Vertx vertx;
  private final HttpClientAgent client;
  private final HttpCalls calls;
  private final String baseUrl;
  private final Duration scanTimeout;
  private final Duration downloadTimeout;
  private final long maxManifestBytes;

  /**
   * @param tls the worker's TLS settings: with {@code tls.enabled} or a {@code tls.caPath} the master
   *     is reached over https (an {@code http://} URL is upgraded), trusting {@code caPath}
   * @param maxManifestBytes {@code sync.maxManifestBytes} (see {@link ManifestStreamReader})
   */
  public HttpSyncSource(Vertx vertx, String baseUrl, String token, Duration scanTimeout, Duration downloadTimeout,
      NodeConfig.Tls tls, long maxManifestBytes) {
    this.vertx = vertx;
    this.maxManifestBytes = maxManifestBytes;
    String url = checkBaseUrl(baseUrl);
    boolean secure = TlsOptions.clientEnabled(tls) || url.startsWith("https://");
    this.baseUrl = secure && url.startsWith("http://") ? "https://" + url.substring("http://".length()) : url;
    this.scanTimeout = scanTimeout;
    this.downloadTimeout = downloadTimeout;
    HttpClientOptions options = new HttpClientOptions().setConnectTimeout(HttpCalls.CONNECT_TIMEOUT_MS).setKeepAlive(true)
        .setDecompressionSupported(true); // Accept-Encoding: gzip, deflate; bodies arrive decoded
    if (secure) {
      TlsOptions.client(options, tls);
    }
    this.client = vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(POOL_SIZE));
    this.calls = new HttpCalls(vertx, client, Auth.header(token));
  }

  static String checkBaseUrl(String url) {
    URI uri;
    try {
      uri = URI.create(url == null ? "" : url.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("master HTTP address must be a URL like http://HOST:PORT, got " + url);
    }
    if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
      throw new IllegalArgumentException("master HTTP address must be a URL like http://HOST:PORT, got " + url);
    }
    String s = uri.toString();
    while (s.endsWith("/")) {
      s = s.substring(0, s.length() - 1);
    }
    return s;
  }

  @Override
  public String name() {
    return "http";
  }

  @Override
  public Future<Manifest> scan(String spiderId, String path) {
    String url = syncUrl(spiderId, "scan", path);
    String what = "HTTP scan of " + spiderId;
    return calls.get(what, url, scanTimeout, opts -> { }, resp -> readManifest(what, url, resp));
  }

  /**
   * With a known digest the request carries {@code If-None-Match: "<digest>"}; a master that still
   * has that manifest answers 304 and sends no list.
   */
  @Override
  public Future<ScanResult> scan(String spiderId, String path, String knownDigest) {
    if (knownDigest == null || knownDigest.isEmpty()) {
      return scan(spiderId, path).map(ScanResult::of);
    }
    String url = syncUrl(spiderId, "scan", path);
    String what = "HTTP scan of " + spiderId;
    String etag = '"' + knownDigest + '"';
    return calls.get(what, url, scanTimeout, opts -> opts.putHeader("If-None-Match", etag), resp -> {
      if (resp.statusCode() == 304) {
        String got = resp.getHeader("ETag");
        if (got != null && !got.equals(etag)) {
          return Future.failedFuture(new TransportException(Kind.PROTOCOL,
              what + ": 304 for another manifest (ETag " + got + ")"));
        }
        return Future.succeededFuture(ScanResult.unchanged(knownDigest, 0));
      }
      return readManifest(what, url, resp).map(ScanResult::of);
    });
  }

  @Override
  public Future<Long> download(String spiderId, String path, long offset, long expectedSize,
      WriteStream<Buffer> sink) {
    String url = syncUrl(spiderId, "download", path);
    String what = "HTTP download of " + spiderId + "/" + path;
    if (offset < 0 || offset > expectedSize) {
      return Future.failedFuture(new TransportException(Kind.INVALID,
          what + ": offset " + offset + " outside 0.." + expectedSize));
    }
    return calls.get(what, url, downloadTimeout, opts -> {
      if (offset > 0) {
        opts.putHeader("Range", "bytes=" + offset + "-");
      }
    }, resp -> receive(what, url, resp, offset, expectedSize, sink));
  }

  @Override
  public Future<Void> close() {
    return client.close();
  }

  String syncUrl(String spiderId, String op, String path) {
    return baseUrl + "/api/sync/" + encode(spiderId) + "/" + op + "?path=" + encode(path == null ? "" : path);
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  // ---- scan ----

  private Future<Manifest> readManifest(String what, String url, HttpClientResponse resp) {
    Answer answer = Answer.of(url, resp);
    if (answer.status() != 200) {
      return failWithStatus(what, answer, resp);
    }
    if (!answer.hasType(HttpReplies.JSON)) {
      return BodyReader.head(resp, HttpFailures.SNIPPET_BYTES).compose(head -> Future.failedFuture(
          HttpFailures.protocol(what, answer, "expected application/json", head)));
    }
    return ManifestStreamReader.read(what, answer, resp, maxManifestBytes, MAX_ENTRIES)
        .compose(m -> vertx.executeBlocking(() -> checkDigest(what, answer, m), false));
  }

  /** Blocking (the digest of a large manifest): runs on a worker thread. */
  static Manifest checkDigest(String what, Answer answer, Manifest m) {
    String digest = ManifestDigest.of(m.entries());
    if (!digest.equals(m.digest())) {
      throw HttpFailures.protocol(what, answer, "manifest digest " + m.digest()
          + " does not match its entries (" + digest + ")", null);
    }
    return m;
  }

  // ---- download ----

  private Future<Long> receive(String what, String url, HttpClientResponse resp, long offset, long expectedSize,
      WriteStream<Buffer> sink) {
    Answer answer = Answer.of(url, resp);
    long skip;
    if (answer.status() == 206) {
      TransportException bad = checkContentRange(what, answer, resp.getHeader("Content-Range"), offset, expectedSize);
      if (bad != null) {
        return Future.failedFuture(bad);
      }
      skip = 0;
    } else if (answer.status() == 200) {
      if (answer.contentLength() >= 0 && answer.contentLength() != expectedSize) {
        return Future.failedFuture(new TransportException(Kind.INTEGRITY, what + ": master has "
            + answer.contentLength() + " bytes, the manifest says " + expectedSize + " (file changed since the scan?)"));
      }
      skip = offset;
      if (offset > 0) {
        LOG.info("{}: master ignored Range from {}; skipping the bytes already here", what, offset);
      }
    } else {
      return failWithStatus(what, answer, resp);
    }
    if (answer.contentType() != null && !answer.hasType(ManifestJson.OCTET_STREAM)) {
      return BodyReader.head(resp, HttpFailures.SNIPPET_BYTES).compose(head -> Future.failedFuture(
          HttpFailures.protocol(what, answer, "expected application/octet-stream", head)));
    }
    return DownloadReceiver.receive(what, resp, sink, skip, expectedSize - offset);
  }

  /** Null when a 206 answer covers exactly the bytes from {@code offset} to the end of the file. */
  static TransportException checkContentRange(String what, Answer answer, String header, long offset,
      long expectedSize) {
    long[] r = parseContentRange(header);
    if (r == null || r[0] != offset) {
      return new TransportException(Kind.PROTOCOL, what + ": " + answer.describe() + ": Content-Range " + header
          + " does not start at the requested offset " + offset);
    }
    if (r[2] >= 0 && r[2] != expectedSize) {
      return new TransportException(Kind.INTEGRITY, what + ": master has " + r[2]
          + " bytes, the manifest says " + expectedSize + " (file changed since the scan?)");
    }
    if (r[1] != expectedSize - 1) {
      return new TransportException(Kind.PROTOCOL, what + ": " + answer.describe() + ": Content-Range " + header
          + " does not run to the end of the file");
    }
    return null;
  }

  /** {@code bytes a-b/total} as {a, b, total} (total -1 for {@code *}), or null. */
  public static long[] parseContentRange(String header) {
    if (header == null || !header.startsWith("bytes ")) {
      return null;
    }
    String spec = header.substring(6).trim();
    int dash = spec.indexOf('-');
    int slash = spec.indexOf('/');
    if (dash <= 0 || slash < dash) {
      return null;
    }
    try {
      long a = Long.parseLong(spec.substring(0, dash));
      long b = Long.parseLong(spec.substring(dash + 1, slash));
      String t = spec.substring(slash + 1);
      long total = t.equals("*") ? -1 : Long.parseLong(t);
      return a < 0 || b < a ? null : new long[] {a, b, total};
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static <T> Future<T> failWithStatus(String what, Answer answer, HttpClientResponse resp) {
    return BodyReader.head(resp, HttpFailures.SNIPPET_BYTES * 4)
        .compose(head -> Future.failedFuture(HttpFailures.status(what, answer, head)));
  }
}
