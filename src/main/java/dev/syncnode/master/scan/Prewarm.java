package dev.syncnode.master.scan;

import dev.syncnode.bus.Addresses;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * Scans spiders before a worker asks for them: every spider of the workspace when the watch starts,
 * and a spider again once its changes have settled for {@link #SETTLE_MS}. So the hashing of new or
 * changed files is paid when a spider is uploaded or edited, not when its tasks start: the first sync
 * finds a cached manifest (or, after the cache's TTL, a walk that reuses every hash). One scan at a
 * time, through the scan cache, so a request that comes meanwhile joins the running scan. On with
 * {@code sync.prescan: true} (off by default: the scanner then remembers the hashes of every spider,
 * not only of those asked for). Confined to the event loop of the verticle that owns it.
 */
final class Prewarm {
  /** Quiet time after a spider's last change before it is scanned (an upload writes many files). */
  static final long SETTLE_MS = 2000;
  /** Spiders waiting or settling at most; more are left to the first request. */
  static final int MAX_PENDING = 4096;

  private final Vertx vertx;
  private final LongSupplier scanTimeoutMs;
  private final BooleanSupplier enabled;
  private final long settleMs;
  private final Set<String> ready = new LinkedHashSet<>();
  /** Spider -> the timer that moves it to {@link #ready} once it has been quiet long enough. */
  private final Map<String, Long> settling = new HashMap<>();
  private boolean scanning;
  private boolean stopped;

  /**
   * @param scanTimeoutMs how long one scan may take now ({@code sync.timeout.scan}, hot)
   * @param enabled {@code sync.prescan} now (hot)
   */
  Prewarm(Vertx vertx, LongSupplier scanTimeoutMs, BooleanSupplier enabled) {
    this(vertx, scanTimeoutMs, enabled, SETTLE_MS);
  }

  Prewarm(Vertx vertx, LongSupplier scanTimeoutMs, BooleanSupplier enabled, long settleMs) {
    this.vertx = vertx;
    this.scanTimeoutMs = scanTimeoutMs;
    this.enabled = enabled;
    this.settleMs = settleMs;
  }

  /** Queues these spiders for a scan now (the watch has just seen the workspace). */
  void all(Collection<String> spiders) {
    if (!enabled.getAsBoolean()) {
      return;
    }
    for (String id : spiders) {
      if (pending() >= MAX_PENDING) {
        break;
      }
      ready.add(id);
    }
    next();
  }

  /** A spider changed: scanned once it has had no change for {@link #SETTLE_MS}. */
  void changed(String spiderId) {
    Long timer = settling.remove(spiderId);
    if (timer != null) {
      vertx.cancelTimer(timer);
    } else if (pending() >= MAX_PENDING || stopped || !enabled.getAsBoolean()) {
      return;
    }
    settling.put(spiderId, vertx.setTimer(settleMs, id -> {
      settling.remove(spiderId);
      ready.add(spiderId);
      next();
    }));
  }

  void stop() {
    stopped = true;
    settling.values().forEach(vertx::cancelTimer);
    settling.clear();
    ready.clear();
  }

  private int pending() {
    return ready.size() + settling.size();
  }

  private void next() {
    if (!enabled.getAsBoolean()) {
      ready.clear(); // turned off meanwhile
    }
    if (scanning || stopped || ready.isEmpty()) {
      return;
    }
    Iterator<String> it = ready.iterator();
    String spiderId = it.next();
    it.remove();
    scanning = true;
    // a failure (the spider went away, an invalid name, a scan refused) is the first request's to report
    // the scan cache answers once its scan ends, which times out at the scan timeout; waiting twice that
    // long (read now: it is hot) keeps this one scan at a time, also when it joined a scan begun earlier
    long scanMs = scanTimeoutMs.getAsLong();
    DeliveryOptions options = new DeliveryOptions().setLocalOnly(true)
        .setSendTimeout(scanMs > Long.MAX_VALUE / 2 ? scanMs : 2 * scanMs);
    vertx.eventBus().request(Addresses.CACHE_PREWARM, spiderId, options).onComplete(ar -> {
      scanning = false;
      next();
    });
  }
}
