package dev.syncnode.cluster.fleet;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

/**
 * Schedules a worker's self-syncs: a spider asked for again within the quiet period waits again (a
 * burst of announcements is one sync), each start gets a random jitter so a fleet does not hit the
 * master in the same millisecond, and at most {@code maxRunning} spiders sync at once (the others
 * wait in order). A spider asked for while its sync runs syncs once more afterwards: the running one
 * may have listed the older manifest. Bounded by the spiders asked for. Runs on one event loop.
 */
final class Prefetcher {
  private final Vertx vertx;
  private final long quietMs;
  private final long jitterMs;
  private final int maxRunning;
  private final Function<String, Future<?>> sync;
  private final Map<String, Long> timers = new HashMap<>();
  private final Set<String> running = new HashSet<>();
  private final Set<String> again = new HashSet<>();
  private final LinkedHashSet<String> waiting = new LinkedHashSet<>();

  /** @param sync starts the sync of a spider; its Future ends when the sync does */
  Prefetcher(Vertx vertx, long quietMs, long jitterMs, int maxRunning, Function<String, Future<?>> sync) {
    this.vertx = vertx;
    this.quietMs = quietMs;
    this.jitterMs = jitterMs;
    this.maxRunning = maxRunning;
    this.sync = sync;
  }

  /** Syncs the spider once it has been quiet for the quiet period plus jitter. */
  void request(String spiderId) {
    if (running.contains(spiderId)) {
      again.add(spiderId);
      return;
    }
    Long t = timers.remove(spiderId);
    if (t != null) {
      vertx.cancelTimer(t);
    }
    long delay = quietMs + (jitterMs > 0 ? ThreadLocalRandom.current().nextLong(jitterMs + 1) : 0);
    timers.put(spiderId, vertx.setTimer(Math.max(1, delay), id -> {
      timers.remove(spiderId);
      waiting.add(spiderId);
      drain();
    }));
  }

  private void drain() {
    while (running.size() < maxRunning && !waiting.isEmpty()) {
      String next = waiting.iterator().next();
      waiting.remove(next);
      running.add(next);
      sync.apply(next).onComplete(ar -> {
        running.remove(next);
        if (again.remove(next)) {
          request(next);
        }
        drain();
      });
    }
  }

  /** Drops what waits (sync.prefetch turned off, or the verticle stops); running syncs finish. */
  void cancelAll() {
    timers.values().forEach(vertx::cancelTimer);
    timers.clear();
    waiting.clear();
    again.clear();
  }

  int pending() {
    return timers.size() + waiting.size() + running.size();
  }
}
