package dev.syncnode.delta;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A master's block geometry is checked against the file and the local copy before it sizes anything. */
class BlockGeometryTest {
  @TempDir Path tmp;

  @Test
  void theGeometryAnHonestMasterComputesPasses() throws Exception {
    Path f = tmp.resolve("f.bin");
    Files.write(f, new byte[3 * 1024 * 1024 + 17]);
    BlockIndex idx = BlockIndex.compute(f, false);
    assertDoesNotThrow(() -> BlockIndex.checkGeometry(idx.blockSize(), idx.groupSize(), idx.fileSize(),
        5L * 1024 * 1024, BlockIndex.groupCount(idx.fileSize(), idx.blockSize(), idx.groupSize())));
    long huge = 1L << 40; // the largest file a manifest may hold
    int bs = BlockIndex.blockSizeFor(huge);
    assertDoesNotThrow(() -> BlockIndex.checkGeometry(bs, 128, huge, huge, BlockIndex.groupCount(huge, bs, 128)));
  }

  @Test
  void hostileGeometriesAreRefused() {
    long mib = 1024 * 1024;
    String tiny = assertThrows(IllegalArgumentException.class,
        () -> BlockIndex.checkGeometry(1, 128, 2 * mib, 2 * mib, BlockIndex.groupCount(2 * mib, 1, 128))).getMessage();
    assertTrue(tiny.contains("block size 1"), tiny);
    assertThrows(IllegalArgumentException.class, () -> BlockIndex.checkGeometry(3000, 128, mib, mib, 3));
    assertThrows(IllegalArgumentException.class, () -> BlockIndex.checkGeometry(1 << 25, 128, mib, mib, 1));
    assertThrows(IllegalArgumentException.class, () -> BlockIndex.checkGeometry(8192, 0, mib, mib, 1));
    // a local copy far larger than the new file: its index would have millions of blocks
    String local = assertThrows(IllegalArgumentException.class,
        () -> BlockIndex.checkGeometry(8192, 128, mib, 1L << 40, 1)).getMessage();
    assertTrue(local.contains("too small"), local);
    String groups = assertThrows(IllegalArgumentException.class,
        () -> BlockIndex.checkGeometry(8192, 128, mib, mib, 5000)).getMessage();
    assertTrue(groups.contains("group hashes"), groups);
  }
}
