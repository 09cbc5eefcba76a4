package dev.syncnode.master.scan;

import dev.syncnode.bus.Addresses;
import dev.syncnode.bus.Codecs;
import dev.syncnode.config.ConfigHolder;
import dev.syncnode.fs.Scanner;
import dev.syncnode.manifest.Manifest;
import dev.syncnode.manifest.PathRules;
import dev.syncnode.manifest.PathViolation;
import dev.syncnode.metrics.SyncMetrics;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One scan for many requests. Manifests are cached per (spider, path) for {@code sync.grpcCacheTtl};
 * while a scan runs, further requests for the same key join its Future instead of walking again.
 * Both maps live on this verticle's event loop, so they need no locks. Failures are not cached;
 * expired entries are evicted by a periodic sweep.
 */
public final class ScanCacheVerticle extends VerticleBase {
  private static final long SWEEP_MS = 1000;

  private record Key(String spiderId, String path) {}

  private record Cached(ScanReply reply, long createdAtMs) {}

  private final ConfigHolder config;
  private final SyncMetrics metrics;
  private final Map<Key, Cached> cache = new HashMap<>();
  private final Map<Key, Future<Scanner.Result>> inFlight = new HashMap<>();
  /**
   * Invalidations per spider seen while a scan of it runs: a scan that overlapped one is answered but
   * not cached. Kept only while a scan of the spider is in flight (no one else compares against it),
   * so it does not grow with every spider name the watcher ever reported.
   */
  private final Map<String, Long> generations = new HashMap<>();
  private long sweepTimer;

  public ScanCacheVerticle(ConfigHolder config, SyncMetrics metrics) {
    this.config = config;
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    Codecs.register(vertx, List.of(ScanRequest.class, ScanReply.class, CacheStats.class,
        ScanJob.class, Scanner.Result.class, ServedFile.class, ServedFiles.class, Manifest.class));
    metrics.gauge("syncnode.cache.size", Map.of(), cache::size);
    metrics.gauge("syncnode.scans.inflight", Map.of(), inFlight::size);
    sweepTimer = vertx.setPeriodic(SWEEP_MS, id -> evictExpired());
    return Future.all(
        vertx.eventBus().<ScanRequest>localConsumer(Addresses.CACHE_SCAN, this::onScan).completion(),
        vertx.eventBus().localConsumer(Addresses.CACHE_STATS,
            m -> m.reply(new CacheStats(cache.size(), inFlight.size(), generations.size()))).completion(),
        vertx.eventBus().<String>localConsumer(Addresses.CACHE_INVALIDATE, this::onInvalidate).completion(),
        vertx.eventBus().<String>localConsumer(Addresses.CACHE_PEEK, this::onPeek).completion(),
        vertx.eventBus().<String>localConsumer(Addresses.CACHE_PREWARM, this::onPrewarm).completion(),
        vertx.eventBus().<ServedFiles>localConsumer(Addresses.CACHE_SERVED, this::onServed).completion());
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(sweepTimer);
    return Future.succeededFuture();
  }

  private void onScan(Message<ScanRequest> msg) {
    ScanRequest req = msg.body();
    Key key;
    try {
      PathRules.requireSpiderId(req.spiderId());
      key = new Key(req.spiderId(), PathRules.normalize(req.path()));
    } catch (PathViolation e) {
      msg.fail(ScanException.Kind.INVALID_ARGUMENT.code, e.getMessage());
      return;
    }
    Cached hit = cache.get(key);
    if (hit != null && !expired(hit)) {
      answer(msg, req, new ScanReply(hit.reply.manifest(), ScanReply.Outcome.CACHE_HIT));
      return;
    }
    Future<Scanner.Result> running = inFlight.get(key);
    ScanReply.Outcome outcome = running == null ? ScanReply.Outcome.SCANNED : ScanReply.Outcome.JOINED;
    if (running == null) {
      running = startScan(key);
    }
    running.onComplete(ar -> {
      if (ar.succeeded()) {
        answer(msg, req, new ScanReply(ar.result().manifest(), outcome));
      } else {
        Throwable err = ar.cause();
        int code = err instanceof ReplyException re && re.failureCode() > 0 ? re.failureCode()
            : ScanException.Kind.INTERNAL.code;
        // an unknown spider is an answer, not a fault: counting it as failed would skew the hit rate
        metrics.scanRequest(req.transport(), code == ScanException.Kind.NOT_FOUND.code ? "not_found" : "failed");
        msg.fail(code, err.getMessage());
      }
    });
  }

  /** The spider's cached whole manifest, current as far as the watcher knows, or null. Counted as no request. */
  private void onPeek(Message<String> msg) {
    Cached hit = cache.get(new Key(msg.body(), ""));
    msg.reply(hit == null || expired(hit) ? null : hit.reply.manifest());
  }

  /** Scans the whole spider unless it is cached or being scanned; replies null once it is there. Counted as no request. */
  private void onPrewarm(Message<String> msg) {
    Key key;
    try {
      key = new Key(PathRules.requireSpiderId(msg.body()), "");
    } catch (PathViolation e) {
      msg.fail(ScanException.Kind.INVALID_ARGUMENT.code, e.getMessage());
      return;
    }
    Cached hit = cache.get(key);
    if (hit != null && !expired(hit)) {
      msg.reply(null);
      return;
    }
    Future<Scanner.Result> running = inFlight.get(key);
    // a joined scan begun before the spider's last change is not cached: then one more, else the
    // change's prescan would have passed without a current manifest
    (running == null ? startScan(key) : running.transform(ar -> ar.succeeded() && !cache.containsKey(key)
        ? joinOrStart(key) : running)).onComplete(ar -> {
      if (ar.succeeded()) {
        msg.reply(null);
      } else {
        msg.fail(ScanException.Kind.INTERNAL.code, String.valueOf(ar.cause().getMessage()));
      }
    });
  }

  private Future<Scanner.Result> joinOrStart(Key key) {
    Future<Scanner.Result> running = inFlight.get(key);
    return running != null ? running : startScan(key);
  }

  private Future<Scanner.Result> startScan(Key key) {
    DeliveryOptions opts = new DeliveryOptions().setSendTimeout(config.get().sync().timeout().scan().toMillis());
    Future<Scanner.Result> scan = vertx.eventBus()
        .<Scanner.Result>request(Addresses.SCANNER_SCAN, new ScanJob(key.spiderId(), key.path()), opts)
        .map(Message::body);
    inFlight.put(key, scan);
    long generation = generations.getOrDefault(key.spiderId(), 0L);
    scan.onComplete(ar -> {
      inFlight.remove(key);
      boolean current = generation == generations.getOrDefault(key.spiderId(), 0L);
      if (!scanning(key.spiderId())) {
        generations.remove(key.spiderId()); // the last scan that could compare against it is done
      }
      if (ar.succeeded() && current) {
        long now = System.currentTimeMillis();
        cache.put(key, new Cached(new ScanReply(ar.result().manifest(), ScanReply.Outcome.CACHE_HIT), now));
      }
    });
    return scan;
  }

  private void answer(Message<ScanRequest> msg, ScanRequest req, ScanReply reply) {
    metrics.scanRequest(req.transport(), reply.outcome().label);
    msg.reply(reply);
  }

  private void onInvalidate(Message<String> msg) {
    String spiderId = msg.body();
    if (SpiderWatchVerticle.ALL.equals(spiderId)) {
      cache.clear();
      inFlight.keySet().stream().map(Key::spiderId).distinct()
          .forEach(id -> generations.merge(id, 1L, Long::sum));
    } else {
      cache.keySet().removeIf(k -> k.spiderId().equals(spiderId));
      if (scanning(spiderId)) {
        generations.merge(spiderId, 1L, Long::sum);
      }
    }
    msg.reply(null);
  }

  private boolean scanning(String spiderId) {
    for (Key k : inFlight.keySet()) {
      if (k.spiderId().equals(spiderId)) {
        return true;
      }
    }
    return false;
  }

  /** Files were served: a spider's scans are stale, and dropped, where one differs in size or mtime. */
  private void onServed(Message<ServedFiles> msg) {
    for (ServedFile f : msg.body().files()) {
      boolean stale = cache.entrySet().stream().anyMatch(e -> e.getKey().spiderId().equals(f.spiderId())
          && f.contradicts(e.getValue().reply.manifest(), e.getKey().path()));
      if (stale) {
        cache.keySet().removeIf(k -> k.spiderId().equals(f.spiderId()));
      }
    }
    msg.reply(null);
  }

  private boolean expired(Cached c) {
    long ttl = config.get().sync().grpcCacheTtl().toMillis();
    return System.currentTimeMillis() - c.createdAtMs >= ttl;
  }

  private void evictExpired() {
    cache.values().removeIf(this::expired);
  }
}
