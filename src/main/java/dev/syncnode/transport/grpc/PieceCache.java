package dev.syncnode.transport.grpc;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The master's cache of compressed pieces and of "does not compress" verdicts, keyed by file
 * identity (real path, size, mtime) and offset, so N workers pulling the same spider cost one
 * compression. LRU, bounded by bytes. Used from worker threads, hence synchronized.
 */
final class PieceCache {
  /** Marker: this piece (or, at offset -1, this file) does not compress. */
  static final byte[] RAW = new byte[0];

  record Key(String file, long size, long mtimeNanos, long offset, int length) {}

  private final long maxBytes;
  private final LinkedHashMap<Key, byte[]> map = new LinkedHashMap<>(256, 0.75f, true);
  private long bytes;

  PieceCache(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  synchronized byte[] get(Key key) {
    return map.get(key);
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
