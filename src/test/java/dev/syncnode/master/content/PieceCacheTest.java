package dev.syncnode.master.content;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.syncnode.fs.FileIdentity;
import dev.syncnode.piece.PieceCodec.Codec;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The piece part of the {@link ContentCache}. */
class PieceCacheTest {
  static FileIdentity file(String path, long mtime) {
    return new FileIdentity(Path.of(path), 100, mtime, null);
  }

  static ContentCache.PieceKey key(String file, long mtime, long offset) {
    return new ContentCache.PieceKey(file(file, mtime), offset, 10, Codec.ZSTD);
  }

  @Test
  void computesOnceThenServesFromTheCache() throws Exception {
    ContentCache cache = new ContentCache(1 << 20, 1 << 20);
    AtomicInteger calls = new AtomicInteger();
    java.nio.ByteBuffer first = cache.piece(key("/s/a", 1, 0), () -> {
      calls.incrementAndGet();
      return off(1, 2);
    });
    java.nio.ByteBuffer again = cache.piece(key("/s/a", 1, 0), () -> {
      calls.incrementAndGet();
      return off(3);
    });
    assertSame(first, again);
    assertEquals(1, calls.get());
  }

  @Test
  void piecesAndVerdictsAreCachedPerCodec() throws Exception {
    ContentCache cache = new ContentCache(1 << 20, 1 << 20);
    ContentCache.PieceKey deflate = new ContentCache.PieceKey(file("/s/a", 1), 0, 10, Codec.DEFLATE);
    ContentCache.PieceKey zstd = new ContentCache.PieceKey(file("/s/a", 1), 0, 10, Codec.ZSTD);
    cache.put(deflate, off(1));
    cache.put(new ContentCache.PieceKey(file("/s/a", 1), -1, 0, Codec.DEFLATE), ContentCache.RAW);
    assertNull(cache.piece(zstd), "a DEFLATE piece is never served as ZSTD");
    assertNull(cache.piece(new ContentCache.PieceKey(file("/s/a", 1), -1, 0, Codec.ZSTD)));
    assertArrayEquals(new byte[] {2}, bytes(cache.piece(zstd, () -> off(2))));
    assertArrayEquals(new byte[] {1}, bytes(cache.piece(deflate)));
    cache.forget(file("/s/a", 1));
    assertNull(cache.piece(deflate), "a changed file loses its pieces of every codec");
    assertNull(cache.piece(zstd));
  }

  @Test
  void forgetDropsOneIdentityOfAFileOnly() throws Exception {
    ContentCache cache = new ContentCache(1 << 20, 1 << 20);
    cache.put(key("/s/a", 1, 0), off(1));
    cache.put(key("/s/a", 1, 10), off(2));
    cache.put(key("/s/a", 1, -1), ContentCache.RAW);
    cache.put(key("/s/a", 2, 0), off(3));
    cache.put(key("/s/b", 1, 0), off(4));
    cache.forget(file("/s/a", 1));
    assertNull(cache.piece(key("/s/a", 1, 0)));
    assertNull(cache.piece(key("/s/a", 1, 10)));
    assertNull(cache.piece(key("/s/a", 1, -1)));
    assertArrayEquals(new byte[] {3}, bytes(cache.piece(key("/s/a", 2, 0))));
    assertArrayEquals(new byte[] {4}, bytes(cache.piece(key("/s/b", 1, 0))));
    assertArrayEquals(new byte[] {5}, bytes(cache.piece(key("/s/a", 1, 0), () -> off(5))), "computed anew");
  }

  @Test
  void forgottenBytesNoLongerCountAgainstTheBound() {
    ContentCache cache = new ContentCache(3 * (1000 + 96), 1 << 20);
    cache.put(key("/s/a", 1, 0), ContentCache.offHeap(new byte[1000], 1000));
    cache.put(key("/s/a", 1, 10), ContentCache.offHeap(new byte[1000], 1000));
    cache.put(key("/s/b", 1, 0), ContentCache.offHeap(new byte[1000], 1000));
    cache.forget(file("/s/a", 1));
    cache.put(key("/s/c", 1, 0), ContentCache.offHeap(new byte[1000], 1000));
    cache.put(key("/s/d", 1, 0), ContentCache.offHeap(new byte[1000], 1000));
    assertEquals(1000, cache.piece(key("/s/b", 1, 0)).capacity(), "nothing else was evicted");
  }

  static java.nio.ByteBuffer off(int... values) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) values[i];
    }
    return ContentCache.offHeap(b, b.length);
  }

  static byte[] bytes(java.nio.ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return out;
  }
}
