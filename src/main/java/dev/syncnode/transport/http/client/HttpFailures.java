package dev.syncnode.transport.http.client;

import dev.syncnode.transport.TransportException.Kind;
import dev.syncnode.transport.TransportException;
import io.vertx.core.VertxException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.StreamResetException;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.TimeoutException;

/**
 * Turns what went wrong on the worker's HTTP client into classified {@link TransportException}s
 * whose messages say what arrived: status, content type and the first bytes of the body.
 */
public final class HttpFailures {
  /** How much of an unexpected body goes into an error message. */
  public static final int SNIPPET_BYTES = 200;

  private HttpFailures() {}

  /** A response that is not the success the protocol expects. */
  public static TransportException status(String what, Answer answer, Buffer body) {
    int code = answer.status();
    String message = what + ": " + answer.describe() + ", body: " + snippet(body);
    Kind kind;
    if (code == 401 || code == 403) {
      kind = Kind.UNAUTHENTICATED;
    } else if (code == 404 || code == 410) {
      kind = Kind.NOT_FOUND;
    } else if (code == 416) {
      kind = Kind.INTEGRITY;
    } else if (code == 408 || code == 429 || code >= 500) {
      kind = Kind.BUSY;
    } else if (code >= 400) {
      kind = Kind.INVALID;
    } else {
      kind = Kind.PROTOCOL;
    }
    return new TransportException(kind, message, null, RetryAfter.millis(answer.retryAfter(), Instant.now()));
  }

  /** A 2xx answer whose body is not what it should be (wrong type, cut or malformed JSON). */
  public static TransportException protocol(String what, Answer answer, String problem, Buffer body) {
    return new TransportException(Kind.PROTOCOL,
        what + ": " + answer.describe() + ": " + problem + "; body starts with: " + snippet(body));
  }

  /** Client-side failures: refused or lost connections, resets, timeouts. */
  public static TransportException classify(String what, Throwable err, boolean deadlinePassed, long timeoutMs) {
    if (err instanceof TransportException te) {
      return te;
    }
    String detail = err.getClass().getSimpleName() + (err.getMessage() == null ? "" : ": " + err.getMessage());
    if (deadlinePassed) {
      return new TransportException(Kind.TIMEOUT, what + " timed out after " + timeoutMs + " ms", err);
    }
    if (err instanceof TimeoutException || err instanceof io.netty.handler.timeout.TimeoutException) {
      return new TransportException(Kind.TIMEOUT, what + " timed out (" + detail + ")", err);
    }
    if (err instanceof ConnectException) {
      return new TransportException(Kind.UNAVAILABLE, what + ": master unreachable over HTTP (" + detail + ")", err);
    }
    if (err instanceof HttpClosedException || err instanceof StreamResetException || err instanceof IOException
        || err instanceof VertxException) {
      return new TransportException(Kind.UNAVAILABLE, what + ": connection lost (" + detail + ")", err);
    }
    return new TransportException(Kind.UNAVAILABLE, what + " failed over HTTP (" + detail + ")", err);
  }

  /** The first {@link #SNIPPET_BYTES} bytes as quoted, printable text. */
  public static String snippet(Buffer body) {
    if (body == null || body.length() == 0) {
      return "(empty)";
    }
    int n = Math.min(body.length(), SNIPPET_BYTES);
    String text = new String(body.getBytes(0, n), StandardCharsets.UTF_8);
    StringBuilder b = new StringBuilder(text.length() + 8).append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\n' || c == '\r' || c == '\t') {
        b.append(' ');
      } else if (c < 0x20 || c == 0x7f) {
        b.append('?');
      } else {
        b.append(c);
      }
    }
    b.append('"');
    if (body.length() > n) {
      b.append("...");
    }
    return b.toString();
  }
}
