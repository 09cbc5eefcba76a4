package dev.syncnode.delta;

/**
 * A weak checksum that can slide over a file one byte at a time in O(1): two 16-bit sums, the sum of
 * the bytes and the sum of the running sums, packed into one int. Used to find blocks of the new
 * file at any offset of the old one (content that moved); every hit is confirmed with a strong hash.
 */
public final class RollingChecksum {
  private final int length;
  private int a;
  private int b;

  private RollingChecksum(int length, int a, int b) {
    this.length = length;
    this.a = a;
    this.b = b;
  }

  /** The checksum of {@code buf[off, off+len)}. */
  public static int of(byte[] buf, int off, int len) {
    return start(buf, off, len).value();
  }

  /** A checksum positioned on {@code buf[off, off+len)}, ready to {@link #roll}. */
  public static RollingChecksum start(byte[] buf, int off, int len) {
    int a = 0;
    int b = 0;
    for (int i = 0; i < len; i++) {
      int x = buf[off + i] & 0xff;
      a += x;
      b += (len - i) * x;
    }
    return new RollingChecksum(len, a, b);
  }

  /** Slides the window one byte: {@code out} leaves at the front, {@code in} enters at the back. */
  public void roll(byte out, byte in) {
    int o = out & 0xff;
    a += (in & 0xff) - o;
    b += a - length * o;
  }

  public int value() {
    return (a & 0xffff) | (b << 16);
  }
}
