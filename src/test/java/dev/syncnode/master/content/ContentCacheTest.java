package dev.syncnode.master.content;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.syncnode.delta.BlockIndex;
import dev.syncnode.fs.FileIdentity;
import dev.syncnode.it.Trees;
import dev.syncnode.piece.PieceCodec.Codec;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The master's one content cache: shared computations, bounds, and file identity as the key. */
class ContentCacheTest {
  @TempDir Path tmp;

  private static final Future<Boolean> SAME = Future.succeededFuture(true);

  private Path file(String name, int size) throws Exception {
    return Trees.write(tmp, name, Trees.random(name.hashCode(), size));
  }

  private static FileIdentity identity(Path p) throws Exception {
    return FileIdentity.of(p.toRealPath(), Files.readAttributes(p, BasicFileAttributes.class));
  }

  @Test
  void eachByteBoundIs64MiBOrAnEighthOfASmallerHeap() {
    assertEquals(64L << 20, ContentCache.budget(1L << 30));
    assertEquals(64L << 20, ContentCache.budget(512L << 20));
    assertEquals(20L << 20, ContentCache.budget(160L << 20));
  }

  @Test
  void concurrentRequestsShareOneComputation() throws Exception {
    ContentCache cache = new ContentCache();
    FileIdentity id = identity(file("a.bin", 100));
    AtomicInteger calls = new AtomicInteger();
    Promise<String> hashing = Promise.promise();
    Future<String> first = cache.hash(id, () -> {
      calls.incrementAndGet();
      return hashing.future();
    }, () -> SAME);
    Future<String> second = cache.hash(id, () -> {
      calls.incrementAndGet();
      return Future.succeededFuture("other");
    }, () -> SAME);
    assertFalse(second.isComplete(), "the second request waits for the first computation");
    hashing.complete("h1");
    assertEquals("h1", first.result());
    assertEquals("h1", second.result());
    assertEquals("h1", cache.hash(id, () -> Future.succeededFuture("other"), () -> SAME).result(), "then a hit");
    assertEquals(1, calls.get());
    assertEquals(1, cache.hashesComputed());
  }

  @Test
  void aChangedFileIsAnotherIdentityAndIsComputedAgain() throws Exception {
    ContentCache cache = new ContentCache();
    Path p = file("a.bin", 100);
    FileIdentity before = identity(p);
    assertEquals("h1", cache.hash(before, () -> Future.succeededFuture("h1"), () -> SAME).result());
    Files.write(p, Trees.random(7, 200));
    FileIdentity after = identity(p);
    assertFalse(before.equals(after));
    assertEquals("h2", cache.hash(after, () -> Future.succeededFuture("h2"), () -> SAME).result());
    assertEquals("h1", cache.hash(before, () -> Future.succeededFuture("h3"), () -> SAME).result());
    assertEquals(2, cache.hashesComputed());
  }

  @Test
  void whatChangedWhileItWasComputedIsNotKept() throws Exception {
    ContentCache cache = new ContentCache();
    FileIdentity id = identity(file("a.bin", 100));
    Future<Boolean> changed = Future.succeededFuture(false);
    assertEquals("h1", cache.hash(id, () -> Future.succeededFuture("h1"), () -> changed).result());
    assertEquals("h2", cache.hash(id, () -> Future.succeededFuture("h2"), () -> SAME).result());
    assertEquals("h2", cache.hash(id, () -> Future.succeededFuture("h3"), () -> SAME).result());
  }

  @Test
  void failuresAreNotKept() throws Exception {
    ContentCache cache = new ContentCache();
    FileIdentity id = identity(file("a.bin", 100));
    assertTrue(cache.hash(id, () -> Future.failedFuture("disk"), () -> SAME).failed());
    assertEquals("h", cache.hash(id, () -> Future.succeededFuture("h"), () -> SAME).result());
  }

  @Test
  void blockIndexesAreBoundedByTheirMemoryLeastRecentlyUsedFirst() throws Exception {
    Path a = file("a.bin", 64 * 1024);
    Path b = file("b.bin", 64 * 1024);
    Path c = file("c.bin", 64 * 1024);
    BlockIndex ia = BlockIndex.compute(a, true);
    BlockIndex ib = BlockIndex.compute(b, true);
    BlockIndex ic = BlockIndex.compute(c, true);
    ContentCache cache = new ContentCache(1 << 20, ia.footprint() + ib.footprint());
    cache.index(identity(a), () -> Future.succeededFuture(ia), () -> SAME);
    cache.index(identity(b), () -> Future.succeededFuture(ib), () -> SAME);
    cache.index(identity(a), () -> Future.failedFuture("cached"), () -> SAME); // a is now the most recent
    cache.index(identity(c), () -> Future.succeededFuture(ic), () -> SAME);
    assertEquals(3, cache.indexesComputed());
    assertSame(ia, cache.index(identity(a), () -> Future.failedFuture("cached"), () -> SAME).result());
    assertSame(ic, cache.index(identity(c), () -> Future.failedFuture("cached"), () -> SAME).result());
    assertEquals(3, cache.indexesComputed(), "a and c stayed");
    assertSame(ib, cache.index(identity(b), () -> Future.succeededFuture(ib), () -> SAME).result());
    assertEquals(4, cache.indexesComputed(), "b, the least recently used, was evicted");
  }

  @Test
  void piecesAreBoundedByBytes() throws Exception {
    FileIdentity id = identity(file("a.bin", 100));
    ContentCache cache = new ContentCache(2 * (1000 + 96), 1 << 20);
    for (int i = 0; i < 3; i++) {
      cache.put(new ContentCache.PieceKey(id, i * 1000L, 1000, Codec.ZSTD), new byte[1000]);
    }
    assertNull(cache.piece(new ContentCache.PieceKey(id, 0, 1000, Codec.ZSTD)), "the oldest piece was evicted");
    assertNotNull(cache.piece(new ContentCache.PieceKey(id, 2000, 1000, Codec.ZSTD)));
  }

  @Test
  void forgetDropsEveryKindOfContentOfThatIdentity() throws Exception {
    Path a = file("a.bin", 64 * 1024);
    FileIdentity id = identity(a);
    BlockIndex idx = BlockIndex.compute(a, true);
    ContentCache cache = new ContentCache();
    cache.hash(id, () -> Future.succeededFuture("h1"), () -> SAME);
    cache.index(id, () -> Future.succeededFuture(idx), () -> SAME);
    cache.put(new ContentCache.PieceKey(id, 0, 10, Codec.DEFLATE), new byte[] {1});
    cache.forget(id);
    assertNull(cache.piece(new ContentCache.PieceKey(id, 0, 10, Codec.DEFLATE)));
    assertEquals("h2", cache.hash(id, () -> Future.succeededFuture("h2"), () -> SAME).result());
    cache.index(id, () -> Future.succeededFuture(idx), () -> SAME);
    assertEquals(2, cache.indexesComputed());
  }

  /**
   * Memory can run out where a piece is computed: the error reaches the reader as it is, and the piece
   * is computed again by the next reader instead of that reader waiting for ever on the failed computation.
   */
  @Test
  void aPieceWhoseComputationRanOutOfMemoryIsComputedAgain() throws Exception {
    ContentCache cache = new ContentCache();
    ContentCache.PieceKey key = new ContentCache.PieceKey(identity(file("d.bin", 100)), 0, 100, Codec.ZSTD);
    OutOfMemoryError oom = new OutOfMemoryError("Java heap space");
    assertSame(oom, assertThrows(OutOfMemoryError.class, () -> cache.piece(key, () -> {
      throw oom;
    })));
    byte[] again = cache.piece(key, () -> new byte[] {7});
    assertEquals(1, again.length);
    assertSame(again, cache.piece(key), "kept this time");
  }
}
