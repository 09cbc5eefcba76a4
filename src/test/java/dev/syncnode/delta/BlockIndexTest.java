package dev.syncnode.delta;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A worker's index of its old copy has the same block and group hashes as a full one, without the whole hash. */
class BlockIndexTest {
  @TempDir Path tmp;

  @Test
  void blocksOnlyMatchesTheFullIndexWithoutTheWholeFileHash() throws Exception {
    Path f = tmp.resolve("f.bin");
    byte[] bytes = new byte[2 * 1024 * 1024 + 4321];
    new Random(7).nextBytes(bytes);
    Files.write(f, bytes);
    BlockIndex full = BlockIndex.compute(f, 4096, 16, false);
    BlockIndex blocks = BlockIndex.blocksOnly(f, 4096, 16);
    assertArrayEquals(full.strong(), blocks.strong());
    assertArrayEquals(full.groupHashes(), blocks.groupHashes());
    assertEquals(full.fileSize(), blocks.fileSize());
    assertFalse(full.fileHash().isEmpty());
    assertEquals("", blocks.fileHash()); // not computed: the old copy is hashed for its blocks only
  }
}
