package dev.syncnode.transport.http.client;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The one way the worker's HTTP client calls the master, as {@code GrpcCalls} does for gRPC: the
 * authorization header, a total deadline, the request reset as soon as reading the answer fails (so a
 * connection with unread bytes never returns to the pool), and every failure classified into a
 * {@link dev.syncnode.transport.TransportException}.
 */
record HttpCalls(Vertx vertx, HttpClientAgent client, String authHeader) {
  static final int CONNECT_TIMEOUT_MS = 5000;

  /** A total time limit for one exchange, on a timer of the exchange's context. */
  private static final class Deadline {
    long timer = -1;
    boolean passed;
  }

  /**
   * One GET of {@code url}, its answer handed to {@code reader}.
   *
   * @param timeout the whole exchange's limit; null or zero: none
   * @param headers adds what this request needs besides authorization
   */
  <T> Future<T> get(String what, String url, Duration timeout, Consumer<RequestOptions> headers,
      Function<HttpClientResponse, Future<T>> reader) {
    return onContext(() -> {
      long timeoutMs = timeout == null ? 0 : timeout.toMillis();
      Deadline deadline = new Deadline();
      RequestOptions opts = new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(url)
          .setConnectTimeout(timeoutMs > 0 ? Math.min(CONNECT_TIMEOUT_MS, timeoutMs) : CONNECT_TIMEOUT_MS);
      if (authHeader != null) {
        opts.putHeader("Authorization", authHeader);
      }
      headers.accept(opts);
      return client.request(opts)
          .compose(req -> {
            if (timeoutMs > 0) {
              // resetting the request fails whatever still waits on it; passed tells that failure apart
              deadline.timer = vertx.setTimer(timeoutMs, id -> {
                deadline.passed = true;
                req.reset();
              });
            }
            return req.send();
          })
          .compose(resp -> reader.apply(resp).onFailure(err -> resp.request().reset()))
          .andThen(ar -> vertx.cancelTimer(deadline.timer))
          .recover(err -> Future.failedFuture(HttpFailures.classify(what, err, deadline.passed, timeoutMs)));
    });
  }

  /**
   * Runs {@code op} on a Vert.x context. Callers are normally on the worker verticle's event loop;
   * from any other thread the exchange hops onto one, so that a response can never arrive before
   * its handlers are set.
   */
  private <T> Future<T> onContext(Supplier<Future<T>> op) {
    if (Vertx.currentContext() != null) {
      return op.get();
    }
    Promise<T> result = Promise.promise();
    vertx.getOrCreateContext().runOnContext(v -> op.get().onComplete(result));
    return result.future();
  }
}
