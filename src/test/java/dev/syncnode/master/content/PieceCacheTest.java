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
    byte[] first = cache.piece(key("/s/a", 1, 0), () -> {
      calls.incrementAndGet();
      return new byte[] {1, 2};
    });
    byte[] again = cache.piece(key("/s/a", 1, 0), () -> {
      calls.incrementAndGet();
      return new byte[] {3};
    });
    assertSame(first, again);
    assertEquals(1, calls.get());
  }

  @Test
  void piecesAndVerdictsAreCachedPerCodec() throws Exception {
    ContentCache cache = new ContentCache(1 << 20, 1 << 20);
    ContentCache.PieceKey deflate = new ContentCache.PieceKey(file("/s/a", 1), 0, 10, Codec.DEFLATE);
    ContentCache.PieceKey zstd = new ContentCache.PieceKey(file("/s/a", 1), 0, 10, Codec.ZSTD);
    cache.put(deflate, new byte[] {1});
    cache.put(new ContentCache.PieceKey(file("/s/a", 1), -1, 0, Codec.DEFLATE), ContentCache.RAW);
    assertNull(cache.piece(zstd), "a DEFLATE piece is never served as ZSTD");
    assertNull(cache.piece(new ContentCache.PieceKey(file("/s/a", 1), -1, 0, Codec.ZSTD)));
    assertArrayEquals(new byte[] {2}, cache.piece(zstd, () -> new byte[] {2}));
    assertArrayEquals(new byte[] {1}, cache.piece(deflate));
    cache.forget(file("/s/a", 1));
    assertNull(cache.piece(deflate), "a changed file loses its pieces of every codec");
    assertNull(cache.piece(zstd));
  }

  @Test
  void forgetDropsOneIdentityOfAFileOnly() throws Exception {
    ContentCache cache = new ContentCache(1 << 20, 1 << 20);
    cache.put(key("/s/a", 1, 0), new byte[] {1});
    cache.put(key("/s/a", 1, 10), new byte[] {2});
    cache.put(key("/s/a", 1, -1), ContentCache.RAW);
    cache.put(key("/s/a", 2, 0), new byte[] {3});
    cache.put(key("/s/b", 1, 0), new byte[] {4});
    cache.forget(file("/s/a", 1));
    assertNull(cache.piece(key("/s/a", 1, 0)));
    assertNull(cache.piece(key("/s/a", 1, 10)));
    assertNull(cache.piece(key("/s/a", 1, -1)));
    assertArrayEquals(new byte[] {3}, cache.piece(key("/s/a", 2, 0)));
    assertArrayEquals(new byte[] {4}, cache.piece(key("/s/b", 1, 0)));
    assertArrayEquals(new byte[] {5}, cache.piece(key("/s/a", 1, 0), () -> new byte[] {5}), "computed anew");
  }

  @Test
  void forgottenBytesNoLongerCountAgainstTheBound() {
    ContentCache cache = new ContentCache(3 * (1000 + 96), 1 << 20);
    cache.put(key("/s/a", 1, 0), new byte[1000]);
    cache.put(key("/s/a", 1, 10), new byte[1000]);
    cache.put(key("/s/b", 1, 0), new byte[1000]);
    cache.forget(file("/s/a", 1));
    cache.put(key("/s/c", 1, 0), new byte[1000]);
    cache.put(key("/s/d", 1, 0), new byte[1000]);
    assertEquals(1000, cache.piece(key("/s/b", 1, 0)).length, "nothing else was evicted");
  }
}
