package dev.syncnode.worker.fetch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.syncnode.manifest.FileEntry;
import dev.syncnode.transport.TransportException;
import dev.syncnode.worker.FakeSource;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A large file rebuilt from its old version plus the ranges that differ, hashed while it is written. */
class DeltaTest {
  static final int SIZE = 4 * 1024 * 1024;

  @TempDir Path tmp;

  /** The old version at the same path; the master's differs in a few places. */
  static FileEntry setUp(FetchFixture fx, byte[] v1, byte[] v2) throws Exception {
    Files.write(fx.dest.resolve("big.bin"), v1);
    fx.master.put("big.bin", v2);
    return FileEntry.file("big.bin", v1.length, 0644, 1L, FakeSource.sha256(v1));
  }

  static byte[] edited(byte[] v1) {
    byte[] v2 = v1.clone();
    for (int at : new int[] {100, SIZE / 3, SIZE / 2 - 500, SIZE - 10}) {
      System.arraycopy(FakeSource.random(at, 1000), 0, v2, Math.min(at, SIZE - 1000), 1000);
    }
    return v2;
  }

  @Test
  void fetchesOnlyTheRangesThatDiffer() throws Exception {
    try (FetchFixture fx = new FetchFixture(tmp)) {
      byte[] v1 = FakeSource.random(1, SIZE);
      byte[] v2 = edited(v1);
      FileEntry old = setUp(fx, v1, v2);
      Path p = fx.run(() -> new Delta(fx.staging, fx.dest).fetch(fx.master, fx.entry("big.bin"), old));
      assertArrayEquals(v2, Files.readAllBytes(p));
      assertTrue(fx.master.served.get() < SIZE / 10, "served " + fx.master.served.get());
      assertTrue(fx.master.calls.stream().filter(c -> c.startsWith("range")).count() >= 2, fx.master.calls.toString());
    }
  }

  /** The old copy is indexed before the master answers, in the usual geometry: another one is used as given. */
  @Test
  void aMasterWithOtherBlocksIsMatchedInItsGeometry() throws Exception {
    try (FetchFixture fx = new FetchFixture(tmp)) {
      byte[] v1 = FakeSource.random(5, SIZE);
      byte[] v2 = edited(v1);
      FileEntry old = setUp(fx, v1, v2);
      fx.master.blockSize(4 * dev.syncnode.delta.BlockIndex.blockSizeFor(SIZE));
      Path p = fx.run(() -> new Delta(fx.staging, fx.dest).fetch(fx.master, fx.entry("big.bin"), old));
      assertArrayEquals(v2, Files.readAllBytes(p));
      assertTrue(fx.master.served.get() < SIZE / 5, "served " + fx.master.served.get());
    }
  }

  @Test
  void aCorruptRangeIsRefusedAndNothingKept() throws Exception {
    try (FetchFixture fx = new FetchFixture(tmp)) {
      byte[] v1 = FakeSource.random(2, SIZE);
      FileEntry old = setUp(fx, v1, edited(v1));
      fx.master.corrupt("big.bin");
      Delta delta = new Delta(fx.staging, fx.dest);
      TransportException e = assertThrows(TransportException.class,
          () -> fx.run(() -> delta.fetch(fx.master, fx.entry("big.bin"), old)));
      assertEquals(TransportException.Kind.INTEGRITY, e.kind());
      assertTrue(e.getMessage().contains("not installed"), e.getMessage());
      assertEquals(java.util.Set.of(), fx.temps());
    }
  }

  @Test
  void aDeltaThatFetchesMostOfTheFileIsNotWorthIt() throws Exception {
    try (FetchFixture fx = new FetchFixture(tmp)) {
      FileEntry old = setUp(fx, FakeSource.random(3, SIZE), FakeSource.random(4, SIZE));
      Delta delta = new Delta(fx.staging, fx.dest);
      assertNull(fx.run(() -> delta.fetch(fx.master, fx.entry("big.bin"), old)));
      assertEquals(java.util.Set.of(), fx.temps());
    }
  }
}
