package dev.syncnode.master.content;

import dev.syncnode.piece.PieceCodec.Codec;
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
 * identity (real path, size, mtime), offset and codec (a piece is only ever served in the codec it
 * was compressed with), so N workers pulling the same spider cost one compression per codec: a
 * piece being compressed by one reader is waited for by the others. A reader caches what it
 * computes at once and checks the file afterwards (once per file and round, not per piece); if the
 * file changed since it was opened, the reader {@link #forget}s that identity. LRU, bounded by bytes.
 * Used from worker threads, hence synchronized.
 */
public final class PieceCache {
  /** Marker: this piece (or, at offset -1, this file) does not compress with the key's codec. */
  static final byte[] RAW = new byte[0];

  record Key(String file, long size, long mtimeNanos, long offset, int length, Codec codec) {}

  /** Blocking computation of a piece. */
  interface Compute {
    byte[] get() throws IOException;
  }

  private final long maxBytes;
  private final LinkedHashMap<Key, byte[]> map = new LinkedHashMap<>(256, 0.75f, true);
  private final Map<Key, CompletableFuture<byte[]>> inFlight = new HashMap<>();
  private long bytes;

  public PieceCache(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  synchronized byte[] get(Key key) {
    return map.get(key);
  }

  /**
   * The cached value of {@code key}; or, when another thread is computing it, that thread's result
   * (this thread waits: it is a worker thread, and the wait is one piece's compression); or this
   * thread computes and caches it. Blocking.
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
        return compute.get(); // the other reader failed: do it here
      }
    }
    try {
      byte[] value = compute.get();
      put(key, value);
      mine.complete(value);
      return value;
    } catch (IOException | RuntimeException e) {
      mine.completeExceptionally(e);
      throw e;
    } finally {
      synchronized (this) {
        inFlight.remove(key);
      }
    }
  }

  /** Drops every piece and verdict, of any codec, cached for this identity of a file: it changed while it was read. */
  synchronized void forget(String file, long size, long mtimeNanos) {
    Iterator<Map.Entry<Key, byte[]>> it = map.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<Key, byte[]> e = it.next();
      Key k = e.getKey();
      if (k.file().equals(file) && k.size() == size && k.mtimeNanos() == mtimeNanos) {
        bytes -= e.getValue().length + 96L;
        it.remove();
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
