package dev.syncnode.transport.grpc;

import java.io.IOException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The master's cache of compressed pieces and of "does not compress" verdicts, keyed by file
 * identity (real path, size, mtime) and offset, so N workers pulling the same spider cost one
 * compression: a piece being compressed by one reader is waited for by the others. LRU, bounded by
 * bytes. Used from worker threads, hence synchronized.
 */
final class PieceCache {
  /** Marker: this piece (or, at offset -1, this file) does not compress. */
  static final byte[] RAW = new byte[0];

  record Key(String file, long size, long mtimeNanos, long offset, int length) {}

  /** A computed value, and whether it may be cached (the file did not change while it was read). */
  record Computed(byte[] value, boolean cacheable) {}

  /** Blocking computation of a piece. */
  interface Compute {
    Computed get() throws IOException;
  }

  private final long maxBytes;
  private final LinkedHashMap<Key, byte[]> map = new LinkedHashMap<>(256, 0.75f, true);
  private final Map<Key, CompletableFuture<byte[]>> inFlight = new HashMap<>();
  private long bytes;

  PieceCache(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  synchronized byte[] get(Key key) {
    return map.get(key);
  }

  /**
   * The cached value of {@code key}; or, when another thread is computing it, that thread's result
   * (this thread waits: it is a worker thread, and the wait is one piece's compression); or this
   * thread computes it. Blocking.
   */
  byte[] getOrCompute(Key key, Compute compute) throws IOException {
    CompletableFuture<byte[]> running;
    CompletableFuture<byte[]> mine = null;
    synchronized (this) {
      byte[] hit = map.get(key);
      if (hit != null) {
        return hit;
      }
      running = inFlight.get(key);
      if (running == null) {
        mine = new CompletableFuture<>();
        inFlight.put(key, mine);
      }
    }
    if (mine == null) {
      try {
        return running.join();
      } catch (CompletionException | CancellationException e) {
        Computed c = compute.get(); // the other reader failed: do it here
        return c.value();
      }
    }
    try {
      Computed c = compute.get();
      if (c.cacheable()) {
        put(key, c.value());
      }
      mine.complete(c.value());
      return c.value();
    } catch (IOException | RuntimeException e) {
      mine.completeExceptionally(e);
      throw e;
    } finally {
      synchronized (this) {
        inFlight.remove(key);
      }
    }
  }

  synchronized void put(Key key, byte[] value) {
    long cost = value.length + 96L;
    if (cost > maxBytes) {
      return;
    }
    byte[] old = map.put(key, value);
    if (old != null) {
      bytes -= old.length + 96L;
    }
    bytes += cost;
    Iterator<Map.Entry<Key, byte[]>> it = map.entrySet().iterator();
    while (bytes > maxBytes && it.hasNext()) {
      Map.Entry<Key, byte[]> e = it.next();
      bytes -= e.getValue().length + 96L;
      it.remove();
    }
  }
}
