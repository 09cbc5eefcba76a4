package dev.syncnode.transport.grpc.server;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayDeque;
import java.util.function.LongSupplier;

/**
 * Bytes read from files and written to gRPC streams but not yet taken by their clients, shared by
 * every download stream of the master. A stream reserves a round's worth before reading it and gives
 * it back once its client has drained the round, so streams that never read hold at most the budget
 * together, whatever their number, and the others wait their turn (first come, first served) instead
 * of running the master out of memory.
 *
 * <p>Not thread-safe by design: used on the gRPC endpoint's event loop only. {@link #held()} is
 * volatile for gauges. The limit is read on every reservation, so a reload takes effect at once.
 */
final class SendBudget {
  /** One stream waiting for budget. */
  final class Reservation {
    private final long bytes;
    private final Promise<Void> granted = Promise.promise();

    private Reservation(long bytes) {
      this.bytes = bytes;
    }

    /** Succeeds once the bytes are reserved. */
    Future<Void> granted() {
      return granted.future();
    }

    /** Gives up waiting (the stream ended); harmless once granted. */
    void abandon() {
      if (waiting.remove(this)) {
        granted.tryFail("abandoned");
      }
    }
  }

  /**
   * The most any configured budget can hold: a quarter of the heap, so a master started with a small
   * heap (as the launcher does) cannot be told to hold more unsent bytes than it can spare.
   */
  static final long HEAP_SHARE = Runtime.getRuntime().maxMemory() / 4;

  private final LongSupplier limit;
  private final ArrayDeque<Reservation> waiting = new ArrayDeque<>();
  private volatile long held;
  private volatile long peak;

  SendBudget(LongSupplier limit) {
    this.limit = limit;
  }

  /** Bytes reserved now. */
  long held() {
    return held;
  }

  /** The most bytes ever reserved at once. */
  long peak() {
    return peak;
  }

  int waiting() {
    return waiting.size();
  }

  /**
   * Reserves {@code bytes}: at once when they fit and nobody waits, else when their turn comes. A
   * reservation larger than the whole budget is granted when nothing else is held, so it cannot wait
   * forever.
   */
  Reservation reserve(long bytes) {
    Reservation r = new Reservation(bytes);
    if (waiting.isEmpty() && fits(bytes)) {
      take(r);
    } else {
      waiting.add(r);
    }
    return r;
  }

  /** Returns {@code bytes} of a granted reservation and lets waiting streams in. */
  void release(long bytes) {
    if (bytes <= 0) {
      return;
    }
    held = Math.max(0, held - bytes);
    while (!waiting.isEmpty() && fits(waiting.peek().bytes)) {
      take(waiting.poll());
    }
  }

  private boolean fits(long bytes) {
    return held == 0 || held + bytes <= Math.max(1, limit.getAsLong());
  }

  private void take(Reservation r) {
    held += r.bytes;
    if (held > peak) {
      peak = held;
    }
    r.granted.complete();
  }
}
