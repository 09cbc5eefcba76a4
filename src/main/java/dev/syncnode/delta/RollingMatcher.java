package dev.syncnode.delta;

import dev.syncnode.manifest.ManifestDigest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds wanted blocks at any byte offset of a file (content that moved, e.g. after an insertion):
 * slides a {@link RollingChecksum} over the file, and confirms each weak hit with the block's strong
 * hash. Reads through a bounded buffer; blocking.
 */
public final class RollingMatcher {
  private static final int BUFFER = 1024 * 1024;
  private static final int FILTER_BITS = 22;

  private RollingMatcher() {}

  /**
   * Searches {@code [from, to)} of {@code ch} for the unresolved full-size blocks of {@code plan} and
   * records every block found via {@link DeltaPlan#found}.
   *
   * @return the number of blocks found
   */
  public static int search(FileChannel ch, long from, long to, int blockSize, DeltaPlan plan, List<Integer> wanted)
      throws IOException {
    if (wanted.isEmpty() || to - from < blockSize) {
      return 0;
    }
    Map<Integer, List<Integer>> byWeak = new HashMap<>();
    long[] filter = new long[1 << (FILTER_BITS - 6)];
    for (int b : wanted) {
      int w = plan.weak(b);
      byWeak.computeIfAbsent(w, k -> new ArrayList<>()).add(b);
      int h = slot(w);
      filter[h >>> 6] |= 1L << (h & 63);
    }
    MessageDigest md = ManifestDigest.sha256();
    byte[] buf = new byte[Math.max(BUFFER, blockSize) + blockSize];
    long bufStart = from;
    int filled = fill(ch, buf, 0, bufStart, to);
    if (filled < blockSize) {
      return 0;
    }
    long pos = from;
    int found = 0;
    int remaining = wanted.size();
    RollingChecksum rc = RollingChecksum.start(buf, 0, blockSize);
    while (true) {
      int off = (int) (pos - bufStart);
      int w = rc.value();
      int h = slot(w);
      boolean matched = false;
      if ((filter[h >>> 6] & (1L << (h & 63))) != 0) {
        List<Integer> cands = byWeak.get(w);
        if (cands != null && !cands.isEmpty()) {
          md.update(buf, off, blockSize);
          long s = BlockIndex.first8(md.digest());
          for (int i = cands.size() - 1; i >= 0; i--) {
            int b = cands.get(i);
            if (plan.strong(b) == s) {
              plan.found(b, pos);
              cands.remove(i);
              found++;
              remaining--;
              matched = true;
            }
          }
        }
      }
      if (remaining == 0) {
        return found;
      }
      long next = matched ? pos + blockSize : pos + 1;
      if (next + blockSize > to) {
        return found;
      }
      if (next + blockSize > bufStart + filled) {
        // keep the bytes from pos on, read more behind them
        int keep = (int) (bufStart + filled - pos);
        System.arraycopy(buf, off, buf, 0, keep);
        bufStart = pos;
        filled = keep + fill(ch, buf, keep, bufStart + keep, to);
        off = 0;
        if (next + blockSize > bufStart + filled) {
          return found; // the file shrank under us
        }
      }
      if (matched) {
        pos = next;
        rc = RollingChecksum.start(buf, (int) (pos - bufStart), blockSize);
      } else {
        rc.roll(buf[off], buf[off + blockSize]);
        pos = next;
      }
    }
  }

  private static int slot(int w) {
    return (w * 0x9E3779B1) >>> (32 - FILTER_BITS);
  }

  private static int fill(FileChannel ch, byte[] buf, int at, long filePos, long to) throws IOException {
    int want = (int) Math.min(buf.length - at, to - filePos);
    ByteBuffer bb = ByteBuffer.wrap(buf, at, Math.max(0, want));
    int total = 0;
    while (bb.hasRemaining()) {
      int n = ch.read(bb, filePos + total);
      if (n < 0) {
        break;
      }
      total += n;
    }
    return total;
  }
}
