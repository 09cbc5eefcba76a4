package dev.syncnode.transport.http.client;

import dev.syncnode.transport.TransportException.Kind;
import dev.syncnode.transport.TransportException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;

/** Collects a response body on the worker, bounded. */
final class BodyReader {
  private BodyReader() {}

  /**
   * The whole body; fails with INVALID when it exceeds {@code limit} bytes, and with UNAVAILABLE
   * when the connection is lost before the body ended (a cut body is never handed on as complete).
   */
  static Future<Buffer> all(String what, HttpClientResponse resp, long limit) {
    Promise<Buffer> result = Promise.promise();
    Buffer body = Buffer.buffer();
    resp.handler(buf -> {
      if (result.future().isComplete()) {
        return;
      }
      if ((long) body.length() + buf.length() > limit) {
        result.tryFail(new TransportException(Kind.INVALID,
            what + ": response body larger than " + limit + " bytes; refused"));
        return;
      }
      body.appendBuffer(buf);
    });
    resp.exceptionHandler(err -> result.tryFail(new TransportException(Kind.UNAVAILABLE,
        what + ": connection lost after " + body.length() + " bytes of the body (HTTP " + resp.statusCode()
            + ", Content-Type " + resp.getHeader("Content-Type") + "): " + err.getMessage()
            + "; body starts with: " + HttpFailures.snippet(body), err)));
    resp.endHandler(v -> result.tryComplete(body));
    return result.future();
  }

  /**
   * The start of a body, for an error message: completes with what arrived once {@code limit}
   * bytes are there, the body ends, or the connection fails (an error page cut short is still
   * worth showing). The caller resets the request when it does not read on.
   */
  static Future<Buffer> head(HttpClientResponse resp, int limit) {
    Promise<Buffer> result = Promise.promise();
    Buffer body = Buffer.buffer();
    resp.handler(buf -> {
      if (result.future().isComplete()) {
        return;
      }
      int room = limit - body.length();
      body.appendBuffer(buf.length() <= room ? buf : buf.getBuffer(0, room));
      if (body.length() >= limit) {
        result.tryComplete(body);
      }
    });
    resp.exceptionHandler(err -> result.tryComplete(body));
    resp.endHandler(v -> result.tryComplete(body));
    return result.future();
  }
}
