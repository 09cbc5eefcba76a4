package dev.syncnode.master.content;

import dev.syncnode.delta.BlockIndex;
import io.vertx.core.Future;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The master's cache of block indexes, keyed by file identity (real path, size, mtime), so ten
 * workers asking for the hashes of the same file cause one computation: concurrent requests join the
 * computation in flight, later ones hit the cache. LRU, bounded by the memory the indexes hold.
 * Confined to one event loop (no locks).
 */
public final class BlockIndexCache {
  public record Key(String path, long size, long mtimeNanos) {}

  private final long maxBytes;
  private final LinkedHashMap<Key, BlockIndex> cache = new LinkedHashMap<>(16, 0.75f, true);
  private final Map<Key, Future<BlockIndex>> inFlight = new HashMap<>();
  private long bytes;
  private long computed;

  public BlockIndexCache(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  /**
   * The cached index for {@code key}, the one being computed, or a new computation. The result is
   * cached only when {@code stillSame} holds after the computation (the file did not change under it).
   */
  public Future<BlockIndex> get(Key key, Supplier<Future<BlockIndex>> compute, Supplier<Future<Boolean>> stillSame) {
    BlockIndex hit = cache.get(key);
    if (hit != null) {
      return Future.succeededFuture(hit);
    }
    Future<BlockIndex> running = inFlight.get(key);
    if (running != null) {
      return running;
    }
    computed++;
    Future<BlockIndex> f = compute.get().compose(idx -> stillSame.get().map(same -> {
      if (same) {
        put(key, idx);
      }
      return idx;
    }));
    inFlight.put(key, f);
    f.onComplete(ar -> inFlight.remove(key));
    return f;
  }

  private void put(Key key, BlockIndex idx) {
    if (idx.footprint() > maxBytes) {
      return;
    }
    BlockIndex old = cache.put(key, idx);
    if (old != null) {
      bytes -= old.footprint();
    }
    bytes += idx.footprint();
    Iterator<Map.Entry<Key, BlockIndex>> it = cache.entrySet().iterator();
    while (bytes > maxBytes && it.hasNext()) {
      Map.Entry<Key, BlockIndex> e = it.next();
      bytes -= e.getValue().footprint();
      it.remove();
    }
  }

  /** Number of computations started (for tests and logs). */
  long computed() {
    return computed;
  }
}
