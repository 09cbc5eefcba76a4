package dev.syncnode.transport.http.client;

import dev.syncnode.manifest.FileEntry;
import dev.syncnode.manifest.Manifest;
import dev.syncnode.manifest.ManifestCollector;
import dev.syncnode.manifest.PathViolation;
import dev.syncnode.manifest.Skipped;
import dev.syncnode.transport.TransportException.Kind;
import dev.syncnode.transport.TransportException;
import dev.syncnode.transport.http.ManifestJson;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.core.parsetools.JsonEvent;
import io.vertx.core.parsetools.JsonParser;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a manifest body as a stream of JSON events ({@link ManifestJson}'s shape): each entry is
 * checked as it arrives and the body is never held whole, so a hostile master is refused at its
 * first bad entry or once the manifest costs more than {@code sync.maxManifestBytes}. The body
 * itself may be at most {@link #BODY_FACTOR} times that (JSON text of an entry is less than twice its
 * cost). Runs on the response's event loop; the caller checks the digest.
 */
final class ManifestStreamReader {
  /** Most body bytes per byte of {@code sync.maxManifestBytes}. */
  static final int BODY_FACTOR = 2;

  private final String what;
  private final Answer answer;
  private final long maxBodyBytes;
  private final ManifestCollector entries;
  private final int maxEntries;
  private final Promise<Manifest> result = Promise.promise();
  private final JsonParser parser = JsonParser.newParser();
  private final Buffer head = Buffer.buffer();
  private final List<Skipped> skipped = new ArrayList<>();
  private long received;
  private boolean inside;
  private boolean closed;
  /** The top-level array being read ("entries", "skipped" or another), null between fields. */
  private String array;
  /** Arrays open inside {@link #array} (not part of the shape: their values are ignored). */
  private int nested;
  private String spiderId = "";
  private String path = "";
  private String digest;
  private long total = -1;
  private long skippedTotal;

  private ManifestStreamReader(String what, Answer answer, long maxManifestBytes, int maxEntries) {
    this.what = what;
    this.answer = answer;
    this.maxBodyBytes = maxManifestBytes > Long.MAX_VALUE / BODY_FACTOR ? Long.MAX_VALUE
        : maxManifestBytes * BODY_FACTOR;
    this.entries = new ManifestCollector(maxManifestBytes, maxEntries);
    this.maxEntries = maxEntries;
  }

  /** The manifest (entries sorted, digest as announced), or the first reason to refuse it. */
  static Future<Manifest> read(String what, Answer answer, HttpClientResponse resp, long maxManifestBytes,
      int maxEntries) {
    ManifestStreamReader r = new ManifestStreamReader(what, answer, maxManifestBytes, maxEntries);
    r.parser.handler(r::event);
    r.parser.exceptionHandler(err -> r.result.tryFail(HttpFailures.protocol(what, answer,
        "body is not a complete JSON object (" + firstLine(err) + ")", r.head)));
    resp.handler(r::bytes);
    resp.exceptionHandler(err -> r.result.tryFail(new TransportException(Kind.UNAVAILABLE,
        what + ": connection lost after " + r.received + " bytes of the body (HTTP " + resp.statusCode()
            + ", Content-Type " + resp.getHeader("Content-Type") + "): " + err.getMessage()
            + "; body starts with: " + HttpFailures.snippet(r.head), err)));
    resp.endHandler(v -> r.end());
    return r.result.future();
  }

  private void bytes(Buffer buf) {
    if (result.future().isComplete()) {
      return;
    }
    received += buf.length();
    if (received > maxBodyBytes) {
      result.tryFail(new TransportException(Kind.INVALID, what + ": manifest body larger than " + maxBodyBytes
          + " bytes (" + BODY_FACTOR + " x sync.maxManifestBytes); refused after " + entries.size() + " entries"));
      return;
    }
    if (head.length() < HttpFailures.SNIPPET_BYTES) {
      head.appendBuffer(buf.getBuffer(0, Math.min(buf.length(), HttpFailures.SNIPPET_BYTES - head.length())));
    }
    parser.handle(buf);
  }

  private void end() {
    if (result.future().isComplete()) {
      return;
    }
    parser.end();
    if (result.future().isComplete()) {
      return;
    }
    if (!closed) {
      result.tryFail(HttpFailures.protocol(what, answer, "body is not a complete JSON object", head));
    } else if (digest == null || total < 0) {
      result.tryFail(HttpFailures.protocol(what, answer, "body is not a manifest: digest or total missing", head));
    } else if (entries.size() != total) {
      result.tryFail(HttpFailures.protocol(what, answer,
          "body is not a manifest: manifest has " + entries.size() + " entries, announced " + total, head));
    } else {
      try {
        result.tryComplete(new Manifest(spiderId, path, entries.finish(), digest).withSkipped(skipped, skippedTotal));
      } catch (PathViolation bad) {
        result.tryFail(rejected(bad));
      }
    }
  }

  private void event(JsonEvent ev) {
    if (result.future().isComplete()) {
      return;
    }
    try {
      switch (ev.type()) {
        case START_OBJECT -> {
          if (inside) {
            throw new IllegalArgumentException("unexpected object");
          }
          inside = true;
          parser.objectValueMode(); // from here each nested object arrives whole, as one value
        }
        case END_OBJECT -> closed = true;
        case START_ARRAY -> {
          if (!inside) {
            throw new IllegalArgumentException("not an object");
          }
          if (array == null) {
            array = ev.fieldName();
          } else {
            nested++;
          }
        }
        case END_ARRAY -> {
          if (nested > 0) {
            nested--;
          } else {
            array = null;
          }
        }
        case VALUE -> value(ev);
        default -> { }
      }
    } catch (PathViolation bad) {
      result.tryFail(rejected(bad));
    } catch (TransportException te) {
      result.tryFail(te);
    } catch (IllegalArgumentException | ClassCastException bad) {
      result.tryFail(HttpFailures.protocol(what, answer, "body is not a manifest: " + bad.getMessage(), head));
    }
  }

  private void value(JsonEvent ev) {
    if (!inside || closed) {
      throw new IllegalArgumentException("not an object");
    }
    if (array == null) {
      field(ev.fieldName(), ev.value());
    } else if (nested == 0 && "entries".equals(array)) {
      FileEntry e = ManifestJson.entryOf(ManifestJson.require(ev.value(), JsonObject.class, "entries[]"));
      if (total >= 0 && entries.size() >= total) {
        throw new IllegalArgumentException("more entries than the announced total " + total);
      }
      entries.add(e);
    } else if (nested == 0 && "skipped".equals(array) && skipped.size() < Skipped.MAX_LISTED) {
      skipped.add(ManifestJson.skippedOf(ManifestJson.require(ev.value(), JsonObject.class, "skipped[]")));
    }
  }

  private void field(String name, Object v) {
    switch (String.valueOf(name)) {
      case "spiderId" -> spiderId = ManifestJson.optional(v, "spiderId");
      case "path" -> path = ManifestJson.optional(v, "path");
      case "digest" -> digest = ManifestJson.require(v, String.class, "digest");
      case "total" -> {
        total = ManifestJson.require(v, Number.class, "total").longValue();
        if (total > maxEntries) {
          throw new TransportException(Kind.INVALID, what + ": manifest too large: " + total + " entries");
        }
      }
      case "skippedTotal" -> skippedTotal = ManifestJson.require(v, Number.class, "skippedTotal").longValue();
      default -> { }
    }
  }

  private TransportException rejected(PathViolation bad) {
    return new TransportException(Kind.INVALID, what + ": rejected manifest from master: " + bad.getMessage());
  }

  private static String firstLine(Throwable e) {
    String msg = String.valueOf(e.getMessage());
    int nl = msg.indexOf('\n');
    return nl < 0 ? msg : msg.substring(0, nl);
  }
}
