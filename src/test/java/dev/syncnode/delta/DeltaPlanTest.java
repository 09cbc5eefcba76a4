package dev.syncnode.delta;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The delta planner against real files: the plan's ranges rebuild the new file exactly, and fetch little. */
class DeltaPlanTest {
  @TempDir Path tmp;

  static byte[] random(long seed, int n) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  /** Runs the whole protocol between two local files: returns the plan and checks the rebuild. */
  DeltaPlan roundTrip(byte[] oldContent, byte[] newContent) throws IOException {
    Path oldFile = Files.write(tmp.resolve("old"), oldContent);
    Path newFile = Files.write(tmp.resolve("new"), newContent);
    BlockIndex remote = BlockIndex.compute(newFile, true); // what the master computes
    BlockIndex local = BlockIndex.compute(oldFile, remote.blockSize(), remote.groupSize(), false);
    DeltaPlan plan = new DeltaPlan(remote.fileSize(), remote.blockSize(), remote.groupSize(), local);
    long[] groupHashes = new long[remote.groupCount()];
    for (int g = 0; g < groupHashes.length; g++) {
      groupHashes[g] = remote.groupHash(g);
    }
    int[] groups = plan.differingGroups(groupHashes);
    List<Long> strong = new ArrayList<>();
    List<Integer> weak = new ArrayList<>();
    for (int g : groups) {
      for (int b = g * remote.groupSize(); b < Math.min(remote.blockCount(), (g + 1) * remote.groupSize()); b++) {
        strong.add(remote.strong(b));
        weak.add(remote.weak(b));
      }
    }
    plan.addBlocks(groups, strong.stream().mapToLong(Long::longValue).toArray(),
        weak.stream().mapToInt(Integer::intValue).toArray());
    if (groups.length > 0) {
      try (FileChannel ch = FileChannel.open(oldFile, StandardOpenOption.READ)) {
        RollingMatcher.search(ch, 0, oldContent.length, remote.blockSize(), plan, plan.unresolved());
      }
    }
    // rebuild: copies from the old content, fetches from the new one
    byte[] rebuilt = new byte[newContent.length];
    long covered = 0;
    for (DeltaPlan.Op op : plan.ops()) {
      assertEquals(covered, op.dst(), "ops are contiguous");
      byte[] from = op.fetch() ? newContent : oldContent;
      long src = op.fetch() ? op.dst() : op.src();
      System.arraycopy(from, (int) src, rebuilt, (int) op.dst(), (int) op.length());
      covered += op.length();
    }
    assertEquals(newContent.length, covered);
    assertArrayEquals(newContent, rebuilt);
    return plan;
  }

  @Test
  void identicalFileFetchesNothing() throws IOException {
    byte[] a = random(1, 3_000_000);
    assertEquals(0, roundTrip(a, a.clone()).fetchBytes());
  }

  @Test
  void changeInTheMiddleFetchesAboutTheChangedBytes() throws IOException {
    byte[] a = random(2, 8 * 1024 * 1024);
    byte[] b = a.clone();
    byte[] patch = random(3, 64 * 1024);
    System.arraycopy(patch, 0, b, 4_000_123, patch.length);
    DeltaPlan plan = roundTrip(a, b);
    assertTrue(plan.fetchBytes() <= 64 * 1024 + 2 * BlockIndex.DEFAULT_BLOCK_SIZE, "fetched " + plan.fetchBytes());
  }

  @Test
  void insertionIsFoundByTheRollingSearch() throws IOException {
    byte[] a = random(4, 3 * 1024 * 1024);
    byte[] ins = random(5, 1000);
    byte[] b = new byte[a.length + ins.length];
    System.arraycopy(a, 0, b, 0, 1_500_000);
    System.arraycopy(ins, 0, b, 1_500_000, ins.length);
    System.arraycopy(a, 1_500_000, b, 1_500_000 + ins.length, a.length - 1_500_000);
    DeltaPlan plan = roundTrip(a, b);
    assertTrue(plan.fetchBytes() < 64 * 1024, "fetched " + plan.fetchBytes());
  }

  @Test
  void appendAndTruncate() throws IOException {
    byte[] a = random(6, 2 * 1024 * 1024 + 123);
    byte[] longer = Arrays.copyOf(a, a.length + 50_000);
    System.arraycopy(random(7, 50_000), 0, longer, a.length, 50_000);
    assertTrue(roundTrip(a, longer).fetchBytes() < 50_000 + 2 * BlockIndex.DEFAULT_BLOCK_SIZE);
    byte[] shorter = Arrays.copyOf(a, 1_234_567);
    assertTrue(roundTrip(a, shorter).fetchBytes() <= BlockIndex.DEFAULT_BLOCK_SIZE);
  }

  @Test
  void movedBlocksAreReusedFromAnyAlignedOffset() throws IOException {
    int bs = BlockIndex.DEFAULT_BLOCK_SIZE;
    byte[] a = random(8, 256 * bs);
    byte[] b = new byte[a.length];
    // swap the two halves: every block moved by a multiple of the block size
    System.arraycopy(a, 128 * bs, b, 0, 128 * bs);
    System.arraycopy(a, 0, b, 128 * bs, 128 * bs);
    assertEquals(0, roundTrip(a, b).fetchBytes());
  }

  @Test
  void unrelatedFileFetchesEverything() throws IOException {
    byte[] a = random(9, 1024 * 1024);
    byte[] b = random(10, 1024 * 1024 + 5);
    DeltaPlan plan = roundTrip(a, b);
    assertEquals(b.length, plan.fetchBytes());
  }

  @Test
  void blockSizeGrowsForHugeFiles() {
    assertEquals(8192, BlockIndex.blockSizeFor(50L << 20));
    assertEquals(8192, BlockIndex.blockSizeFor(1L << 30));
    assertEquals(16384, BlockIndex.blockSizeFor((1L << 30) + 1));
    assertTrue(BlockIndex.blockCount(100L << 30, BlockIndex.blockSizeFor(100L << 30)) <= BlockIndex.MAX_BLOCKS);
  }

  @Test
  void rollingChecksumRollsLikeItRecomputes() {
    byte[] data = random(11, 5000);
    int len = 700;
    RollingChecksum rc = RollingChecksum.start(data, 0, len);
    for (int i = 1; i + len <= data.length; i++) {
      rc.roll(data[i - 1], data[i + len - 1]);
      assertEquals(RollingChecksum.of(data, i, len), rc.value(), "at " + i);
    }
  }
}
