package dev.syncnode.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PieceCodecTest {
  @Test
  void textShrinksAndRoundTrips() {
    byte[] text = "def parse(self, response):\n    yield {'q': response.css('span')}\n".repeat(2000)
        .getBytes(StandardCharsets.UTF_8);
    byte[] packed = PieceCodec.deflate(text, 0, text.length);
    assertNotNull(packed);
    assertTrue(packed.length < text.length / 4);
    assertArrayEquals(text, PieceCodec.inflate(packed, text.length));
  }

  @Test
  void randomBytesAreSentRaw() {
    byte[] noise = new byte[128 * 1024];
    new Random(1).nextBytes(noise);
    assertNull(PieceCodec.deflate(noise, 0, noise.length));
  }

  static byte[] text(int n) {
    byte[] line = "    yield {'title': response.css('h1::text').get(), 'n': 42}\n".getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[n];
    for (int i = 0; i < n; i++) {
      out[i] = line[i % line.length];
    }
    return out;
  }

  static byte[] noise(int n, long seed) {
    byte[] out = new byte[n];
    new Random(seed).nextBytes(out);
    return out;
  }

  @Test
  void incompressibleHeadStopsThereEvenIfTheRestWouldShrink() {
    byte[] piece = text(64 * 1024);
    System.arraycopy(noise(PieceCodec.PROBE_BYTES, 2), 0, piece, 0, PieceCodec.PROBE_BYTES);
    assertNull(PieceCodec.deflate(piece, 0, piece.length), "the probe of the head decides");
    byte[] later = text(64 * 1024);
    System.arraycopy(noise(PieceCodec.PROBE_BYTES, 2), 0, later, PieceCodec.PROBE_BYTES, PieceCodec.PROBE_BYTES);
    byte[] packed = PieceCodec.deflate(later, 0, later.length);
    assertNotNull(packed, "the same noise after a compressible head is compressed with the rest");
    assertArrayEquals(later, PieceCodec.inflate(packed, later.length));
  }

  @Test
  void compressibleHeadAloneIsNotEnough() {
    byte[] piece = noise(64 * 1024, 3);
    System.arraycopy(text(PieceCodec.PROBE_BYTES), 0, piece, 0, PieceCodec.PROBE_BYTES);
    assertNull(PieceCodec.deflate(piece, 0, piece.length), "the whole piece must still shrink");
  }

  @Test
  void roundTripsAroundTheProbeSize() {
    byte[] buf = text(80 * 1024);
    int p = PieceCodec.PROBE_BYTES;
    for (int len : new int[] {1000, p - 1, p, p + 1, p + 63, 2 * p, 64 * 1024}) {
      for (int off : new int[] {0, 7}) {
        byte[] packed = PieceCodec.deflate(buf, off, len);
        assertNotNull(packed, "len " + len);
        assertTrue(packed.length <= len * PieceCodec.MIN_GAIN_RATIO, "len " + len);
        assertArrayEquals(java.util.Arrays.copyOfRange(buf, off, off + len), PieceCodec.inflate(packed, len),
            "len " + len + " off " + off);
      }
    }
  }

  @Test
  void randomPiecesOfEverySizeAreSentRaw() {
    byte[] buf = noise(64 * 1024 + 7, 4);
    int p = PieceCodec.PROBE_BYTES;
    for (int len : new int[] {63, 64, p - 1, p, p + 1, 64 * 1024}) {
      assertNull(PieceCodec.deflate(buf, 7, len), "len " + len);
    }
  }

  @Test
  void inflateRefusesWrongSizesAndGarbage() {
    byte[] text = "abc".repeat(1000).getBytes(StandardCharsets.UTF_8);
    byte[] packed = PieceCodec.deflate(text, 0, text.length);
    assertThrows(IllegalArgumentException.class, () -> PieceCodec.inflate(packed, text.length - 1));
    assertThrows(IllegalArgumentException.class, () -> PieceCodec.inflate(packed, text.length + 1));
    assertThrows(IllegalArgumentException.class, () -> PieceCodec.inflate(packed, PieceCodec.MAX_RAW_PIECE + 1));
    assertThrows(IllegalArgumentException.class, () -> PieceCodec.inflate(new byte[] {1, 2, 3, 4, 5}, 100));
  }

  @Test
  void knownCompressedNames() {
    assertTrue(PieceCodec.knownCompressed("data/model.ZIP"));
    assertTrue(PieceCodec.knownCompressed("a/b/c.tar.gz"));
    assertTrue(PieceCodec.knownCompressed("img.png"));
    assertFalse(PieceCodec.knownCompressed("spider.py"));
    assertFalse(PieceCodec.knownCompressed("gz"));
    assertFalse(PieceCodec.knownCompressed("data.csv"));
  }
}
