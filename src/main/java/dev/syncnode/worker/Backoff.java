package dev.syncnode.worker;

import dev.syncnode.config.NodeConfig;
import dev.syncnode.transport.TransportException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retries an asynchronous operation with exponential backoff and jitter, on Vert.x timers (never a
 * sleeping thread). Only {@link TransportException}s whose kind is retryable are retried; a
 * server-sent Retry-After is honoured.
 */
public final class Backoff {
  private static final Logger LOG = LoggerFactory.getLogger(Backoff.class);
  private static final long MAX_RETRY_AFTER_MS = 60_000;

  private final Vertx vertx;
  private final NodeConfig.Retry policy;

  public Backoff(Vertx vertx, NodeConfig.Retry policy) {
    this.vertx = vertx;
    this.policy = policy;
  }

  public <T> Future<T> run(String what, Supplier<Future<T>> op) {
    Promise<T> result = Promise.promise();
    attempt(what, op, 1, result);
    return result.future();
  }

  private <T> void attempt(String what, Supplier<Future<T>> op, int n, Promise<T> result) {
    Future<T> f;
    try {
      f = op.get();
    } catch (RuntimeException e) {
      f = Future.failedFuture(e);
    }
    f.onSuccess(result::complete).onFailure(err -> {
      TransportException.Kind kind = TransportException.kindOf(err);
      if (kind == null || !kind.retryable || n >= Math.max(1, policy.maxAttempts())) {
        result.fail(err);
        return;
      }
      long delay = delayMs(n, err instanceof TransportException te ? te.retryAfterMs() : -1);
      LOG.info("{} failed (attempt {}/{}): {}; retrying in {} ms", what, n, policy.maxAttempts(),
          err.getMessage(), delay);
      vertx.setTimer(Math.max(1, delay), id -> attempt(what, op, n + 1, result));
    });
  }

  /** Delay before attempt {@code failures + 1}: exponential, capped, with jitter in [d/2, d]. */
  long delayMs(int failures, long retryAfterMs) {
    long initial = Math.max(1, policy.initialBackoff().toMillis());
    long max = Math.max(initial, policy.maxBackoff().toMillis());
    long exp = initial << Math.min(30, failures - 1);
    long d = Math.min(max, exp < 0 ? max : exp);
    long jittered = d / 2 + ThreadLocalRandom.current().nextLong(d / 2 + 1);
    if (retryAfterMs > 0) {
      return Math.max(jittered, Math.min(retryAfterMs, MAX_RETRY_AFTER_MS));
    }
    return jittered;
  }
}
