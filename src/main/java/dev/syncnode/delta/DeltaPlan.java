package dev.syncnode.delta;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How to build a new version of a file from an old local copy: a list of byte ranges, each either
 * copied from the old copy or fetched from the master. Pure logic, built in steps:
 * <ol>
 *   <li>{@link #differingGroups}: groups whose hash differs from the local group at the same index;
 *   every other group is copied as it is;</li>
 *   <li>{@link #addBlocks}: the block hashes of the differing groups; a block is copied when the local
 *   copy has it at the same offset or at any block-aligned offset;</li>
 *   <li>{@link #unresolved} / {@link #found}: blocks still missing may be found anywhere in the old
 *   copy by a rolling search ({@link RollingMatcher});</li>
 *   <li>{@link #ops}: the merged ranges; what is left unresolved is fetched.</li>
 * </ol>
 */
public final class DeltaPlan {
  /** One range of the new file: fetched when {@code src < 0}, else copied from {@code src} in the old copy. */
  public record Op(long dst, long length, long src) {
    public boolean fetch() {
      return src < 0;
    }
  }

  private final long size;
  private final int blockSize;
  private final int groupSize;
  private final BlockIndex local;
  private final long[] src;
  private final long[] strong;
  private final int[] weak;
  private final boolean[] known;
  private Map<Long, Integer> localByStrong;

  public DeltaPlan(long remoteSize, int blockSize, int groupSize, BlockIndex local) {
    if (local.blockSize() != blockSize || local.groupSize() != groupSize) {
      throw new IllegalArgumentException("local index has another block geometry");
    }
    this.size = remoteSize;
    this.blockSize = blockSize;
    this.groupSize = groupSize;
    this.local = local;
    int blocks = BlockIndex.blockCount(remoteSize, blockSize);
    this.src = new long[blocks];
    this.strong = new long[blocks];
    this.weak = new int[blocks];
    this.known = new boolean[blocks];
    Arrays.fill(src, -1);
  }

  public int blockCount() {
    return src.length;
  }

  public int groupCount() {
    return (src.length + groupSize - 1) / groupSize;
  }

  /**
   * Compares group hashes: groups equal to the local group at the same index are copied in place;
   * returns the others, ascending.
   */
  public int[] differingGroups(long[] remoteGroupHashes) {
    if (remoteGroupHashes.length != groupCount()) {
      throw new IllegalArgumentException("expected " + groupCount() + " group hashes, got " + remoteGroupHashes.length);
    }
    List<Integer> diff = new ArrayList<>();
    for (int g = 0; g < remoteGroupHashes.length; g++) {
      if (g < local.groupCount() && local.groupHash(g) == remoteGroupHashes[g] && sameGroupLength(g)) {
        int end = Math.min(src.length, (g + 1) * groupSize);
        for (int b = g * groupSize; b < end; b++) {
          src[b] = (long) b * blockSize;
        }
      } else {
        diff.add(g);
      }
    }
    return diff.stream().mapToInt(Integer::intValue).toArray();
  }

  private boolean sameGroupLength(int g) {
    long start = (long) g * groupSize * blockSize;
    long remoteLen = Math.min(size, start + (long) groupSize * blockSize) - start;
    long localLen = Math.min(local.fileSize(), start + (long) groupSize * blockSize) - start;
    return remoteLen == localLen;
  }

  /**
   * Block hashes of {@code groups} (in that order, every block of each group): resolves every block
   * the old copy has at the same offset or at another block-aligned offset.
   */
  public void addBlocks(int[] groups, long[] blockStrong, int[] blockWeak) {
    int i = 0;
    for (int g : groups) {
      if (g < 0 || g >= groupCount()) {
        throw new IllegalArgumentException("group " + g + " out of range");
      }
      int end = Math.min(src.length, (g + 1) * groupSize);
      for (int b = g * groupSize; b < end; b++, i++) {
        if (i >= blockStrong.length || (blockWeak != null && i >= blockWeak.length)) {
          throw new IllegalArgumentException("fewer block hashes than blocks in the requested groups");
        }
        strong[b] = blockStrong[i];
        weak[b] = blockWeak == null ? 0 : blockWeak[i];
        known[b] = true;
        src[b] = resolve(b);
      }
    }
    if (i != blockStrong.length) {
      throw new IllegalArgumentException("more block hashes than blocks in the requested groups");
    }
  }

  private long resolve(int b) {
    int len = BlockIndex.blockLength(size, blockSize, b);
    if (b < local.blockCount() && local.blockLength(b) == len && local.strong(b) == strong[b]) {
      return (long) b * blockSize;
    }
    if (len == blockSize) {
      Integer at = byStrong().get(strong[b]);
      if (at != null) {
        return (long) at * blockSize;
      }
    }
    return -1;
  }

  private Map<Long, Integer> byStrong() {
    if (localByStrong == null) {
      localByStrong = new HashMap<>(local.blockCount() * 2);
      for (int b = 0; b < local.blockCount(); b++) {
        if (local.blockLength(b) == blockSize) {
          localByStrong.putIfAbsent(local.strong(b), b);
        }
      }
    }
    return localByStrong;
  }

  /** Full-size blocks with hashes that are still unresolved (candidates for a rolling search). */
  public List<Integer> unresolved() {
    List<Integer> out = new ArrayList<>();
    for (int b = 0; b < src.length; b++) {
      if (src[b] < 0 && known[b] && BlockIndex.blockLength(size, blockSize, b) == blockSize) {
        out.add(b);
      }
    }
    return out;
  }

  public long strong(int block) {
    return strong[block];
  }

  public int weak(int block) {
    return weak[block];
  }

  /** The rolling search found block {@code block} at {@code localOffset} of the old copy. */
  public void found(int block, long localOffset) {
    if (localOffset < 0 || localOffset + blockSize > local.fileSize()) {
      throw new IllegalArgumentException("offset outside the local file");
    }
    src[block] = localOffset;
  }

  /** Merged ranges covering the whole new file, in order. */
  public List<Op> ops() {
    List<Op> ops = new ArrayList<>();
    long curDst = 0;
    long curLen = 0;
    long curSrc = -1;
    for (int b = 0; b < src.length; b++) {
      long dst = (long) b * blockSize;
      int len = BlockIndex.blockLength(size, blockSize, b);
      long s = src[b];
      boolean extends_ = curLen > 0 && ((s < 0 && curSrc < 0) || (s >= 0 && curSrc >= 0 && curSrc + curLen == s));
      if (extends_) {
        curLen += len;
      } else {
        if (curLen > 0) {
          ops.add(new Op(curDst, curLen, curSrc));
        }
        curDst = dst;
        curLen = len;
        curSrc = s;
      }
    }
    if (curLen > 0) {
      ops.add(new Op(curDst, curLen, curSrc));
    }
    return ops;
  }

  /** Bytes that must be fetched. */
  public long fetchBytes() {
    long n = 0;
    for (int b = 0; b < src.length; b++) {
      if (src[b] < 0) {
        n += BlockIndex.blockLength(size, blockSize, b);
      }
    }
    return n;
  }
}
