package dev.syncnode.master.content;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayDeque;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Bounds the master's block-index computations, so a flood of {@code StreamBlockHashes} calls
 * cannot take every worker thread: at most {@link #MAX_RUNNING} run at once, the others wait first
 * come, first served, and a waiting one whose client has gone by its turn is skipped. Confined to the
 * content verticle's event loop (no locks).
 */
public final class HashQueue {
  /** Computations running at once, for all clients. */
  static final int MAX_RUNNING = 2;

  /** A computation waiting for its turn. */
  private record Waiting(BooleanSupplier gone, Supplier<Future<?>> task, Promise<Object> result) {}

  private final ArrayDeque<Waiting> queue = new ArrayDeque<>();
  private int running;

  /**
   * Runs {@code task} when fewer than {@link #MAX_RUNNING} run; fails without running it when
   * {@code gone} holds by its turn (its client went away).
   */
  @SuppressWarnings("unchecked")
  public <T> Future<T> submit(BooleanSupplier gone, Supplier<Future<T>> task) {
    Promise<Object> result = Promise.promise();
    queue.add(new Waiting(gone, (Supplier<Future<?>>) (Supplier<?>) task, result));
    drain();
    return (Future<T>) result.future();
  }

  private void drain() {
    while (running < MAX_RUNNING && !queue.isEmpty()) {
      Waiting w = queue.poll();
      if (w.gone().getAsBoolean()) {
        w.result().fail(new ClientGoneException());
        continue;
      }
      running++;
      Future<?> f;
      try {
        f = w.task().get();
      } catch (RuntimeException e) {
        f = Future.failedFuture(e);
      }
      f.onComplete(ar -> {
        running--;
        if (ar.succeeded()) {
          w.result().complete(ar.result());
        } else {
          w.result().fail(ar.cause());
        }
        drain();
      });
    }
  }

  /** The client of a waiting computation went away before its turn. */
  static final class ClientGoneException extends RuntimeException {
    ClientGoneException() {
      super("the client went away before its block hashes were computed", null, false, false);
    }
  }
}
