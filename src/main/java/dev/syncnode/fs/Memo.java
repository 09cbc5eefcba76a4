package dev.syncnode.fs;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/**
 * One computation for many requests: a value being computed is shared by everyone asking for it
 * meanwhile, and a computed value stays in a bounded LRU (bounded by the summed weight of its values).
 * Failures are not kept. Synchronized, so both an event loop and worker threads may use it; the
 * computation itself runs outside the lock, on the caller's thread or wherever it schedules it.
 * Callers that compose on a shared Future should share one event loop.
 */
public final class Memo<K, V> {
  private static final Future<Boolean> ALWAYS = Future.succeededFuture(true);

  private final long maxWeight;
  private final ToLongFunction<V> weigher;
  private final LinkedHashMap<K, V> values = new LinkedHashMap<>(64, 0.75f, true);
  private final Map<K, Future<V>> inFlight = new HashMap<>();
  private long weight;
  private long computed;

  public Memo(long maxWeight, ToLongFunction<V> weigher) {
    this.maxWeight = maxWeight;
    this.weigher = weigher;
  }

  /** The value of {@code key} if it is kept. */
  public synchronized V cached(K key) {
    return values.get(key);
  }

  /** The kept value, the computation in flight, or a new computation, whose value is kept. */
  public Future<V> get(K key, Supplier<Future<V>> compute) {
    return get(key, compute, () -> ALWAYS);
  }

  /**
   * As {@link #get(Object, Supplier)}, but the value is kept only when {@code stillValid}, asked once
   * it is computed, says so (e.g. the file it came from did not change meanwhile).
   */
  public Future<V> get(K key, Supplier<Future<V>> compute, Supplier<Future<Boolean>> stillValid) {
    Promise<V> mine = Promise.promise();
    synchronized (this) {
      V hit = values.get(key);
      if (hit != null) {
        return Future.succeededFuture(hit);
      }
      Future<V> running = inFlight.get(key);
      if (running != null) {
        return running;
      }
      inFlight.put(key, mine.future());
      computed++;
    }
    Future<V> value;
    try {
      value = compute.get();
    } catch (RuntimeException | Error e) {
      // an Error too (e.g. memory exhausted): else the key stays in flight and every later request joins it for ever
      value = Future.failedFuture(e);
    }
    value.onComplete(ar -> {
      if (ar.failed()) {
        settle(key, null, false);
        mine.fail(ar.cause());
        return;
      }
      stillValid.get().onComplete(valid -> {
        settle(key, ar.result(), valid.succeeded() && Boolean.TRUE.equals(valid.result()));
        mine.complete(ar.result());
      });
    });
    return mine.future();
  }

  private synchronized void settle(K key, V value, boolean keep) {
    inFlight.remove(key);
    if (keep) {
      put(key, value);
    }
  }

  /** Keeps {@code value} for {@code key}, evicting the least recently used beyond the bound. */
  public synchronized void put(K key, V value) {
    long w = weigher.applyAsLong(value);
    if (w > maxWeight) {
      return;
    }
    V old = values.put(key, value);
    if (old != null) {
      weight -= weigher.applyAsLong(old);
    }
    weight += w;
    Iterator<Map.Entry<K, V>> it = values.entrySet().iterator();
    while (weight > maxWeight && it.hasNext()) {
      weight -= weigher.applyAsLong(it.next().getValue());
      it.remove();
    }
  }

  /** Drops the kept values whose key matches. */
  public synchronized void forget(Predicate<K> which) {
    Iterator<Map.Entry<K, V>> it = values.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<K, V> e = it.next();
      if (which.test(e.getKey())) {
        weight -= weigher.applyAsLong(e.getValue());
        it.remove();
      }
    }
  }

  /** Computations started (tests, logs). */
  public synchronized long computed() {
    return computed;
  }
}
