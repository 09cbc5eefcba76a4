package dev.syncnode.master.content;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.syncnode.piece.PieceCodec.Codec;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PieceCacheTest {
  static PieceCache.Key key(String file, long mtime, long offset) {
    return new PieceCache.Key(file, 100, mtime, offset, 10, Codec.ZSTD);
  }

  @Test
  void computesOnceThenServesFromTheCache() throws Exception {
    PieceCache cache = new PieceCache(1 << 20);
    AtomicInteger calls = new AtomicInteger();
    byte[] first = cache.getOrCompute(key("/s/a", 1, 0), () -> {
      calls.incrementAndGet();
      return new byte[] {1, 2};
    });
    byte[] again = cache.getOrCompute(key("/s/a", 1, 0), () -> {
      calls.incrementAndGet();
      return new byte[] {3};
    });
    assertSame(first, again);
    assertEquals(1, calls.get());
  }

  @Test
  void piecesAndVerdictsAreCachedPerCodec() throws Exception {
    PieceCache cache = new PieceCache(1 << 20);
    PieceCache.Key deflate = new PieceCache.Key("/s/a", 100, 1, 0, 10, Codec.DEFLATE);
    PieceCache.Key zstd = new PieceCache.Key("/s/a", 100, 1, 0, 10, Codec.ZSTD);
    cache.put(deflate, new byte[] {1});
    cache.put(new PieceCache.Key("/s/a", 100, 1, -1, 0, Codec.DEFLATE), PieceCache.RAW);
    assertNull(cache.get(zstd), "a DEFLATE piece is never served as ZSTD");
    assertNull(cache.get(new PieceCache.Key("/s/a", 100, 1, -1, 0, Codec.ZSTD)));
    assertArrayEquals(new byte[] {2}, cache.getOrCompute(zstd, () -> new byte[] {2}));
    assertArrayEquals(new byte[] {1}, cache.get(deflate));
    cache.forget("/s/a", 100, 1);
    assertNull(cache.get(deflate), "a changed file loses its pieces of every codec");
    assertNull(cache.get(zstd));
  }

  @Test
  void forgetDropsOneIdentityOfAFileOnly() throws Exception {
    PieceCache cache = new PieceCache(1 << 20);
    cache.put(key("/s/a", 1, 0), new byte[] {1});
    cache.put(key("/s/a", 1, 10), new byte[] {2});
    cache.put(key("/s/a", 1, -1), PieceCache.RAW);
    cache.put(key("/s/a", 2, 0), new byte[] {3});
    cache.put(key("/s/b", 1, 0), new byte[] {4});
    cache.forget("/s/a", 100, 1);
    assertNull(cache.get(key("/s/a", 1, 0)));
    assertNull(cache.get(key("/s/a", 1, 10)));
    assertNull(cache.get(key("/s/a", 1, -1)));
    assertArrayEquals(new byte[] {3}, cache.get(key("/s/a", 2, 0)));
    assertArrayEquals(new byte[] {4}, cache.get(key("/s/b", 1, 0)));
    assertArrayEquals(new byte[] {5}, cache.getOrCompute(key("/s/a", 1, 0), () -> new byte[] {5}), "computed anew");
  }

  @Test
  void forgottenBytesNoLongerCountAgainstTheBound() {
    PieceCache cache = new PieceCache(3 * (1000 + 96));
    cache.put(key("/s/a", 1, 0), new byte[1000]);
    cache.put(key("/s/a", 1, 10), new byte[1000]);
    cache.put(key("/s/b", 1, 0), new byte[1000]);
    cache.forget("/s/a", 100, 1);
    cache.put(key("/s/c", 1, 0), new byte[1000]);
    cache.put(key("/s/d", 1, 0), new byte[1000]);
    assertEquals(1000, cache.get(key("/s/b", 1, 0)).length, "nothing else was evicted");
  }
}
