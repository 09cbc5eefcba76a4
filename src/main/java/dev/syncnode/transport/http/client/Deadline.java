package dev.syncnode.transport.http.client;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientRequest;

/**
 * A total time limit for one HTTP exchange, on a Vert.x timer: when it passes, the request is reset,
 * which fails whatever is still waiting on it, and {@link #passed()} tells the failure apart.
 */
final class Deadline {
  private final Vertx vertx;
  private final long timeoutMs;
  private long timerId = -1;
  private HttpClientRequest request;
  private boolean passed;
  private boolean done;

  Deadline(Vertx vertx, long timeoutMs) {
    this.vertx = vertx;
    this.timeoutMs = timeoutMs;
  }

  long timeoutMs() {
    return timeoutMs;
  }

  /** Starts the clock on a request (no limit when the timeout is zero or negative). */
  HttpClientRequest watch(HttpClientRequest req) {
    this.request = req;
    if (timeoutMs > 0 && !done) {
      timerId = vertx.setTimer(timeoutMs, id -> {
        if (!done) {
          passed = true;
          request.reset();
        }
      });
    }
    return req;
  }

  boolean passed() {
    return passed;
  }

  void cancel() {
    done = true;
    if (timerId >= 0) {
      vertx.cancelTimer(timerId);
    }
  }
}
