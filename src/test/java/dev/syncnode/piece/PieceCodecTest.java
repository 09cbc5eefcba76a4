package dev.syncnode.piece;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.luben.zstd.ZstdCompressCtx;
import dev.syncnode.piece.PieceCodec.Codec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class PieceCodecTest {
  static byte[] decompress(Codec codec, byte[] data, int rawSize) {
    return PieceCodec.decompress(codec, ByteBuffer.wrap(data), rawSize);
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
  void zstdLoadsHere() {
    assertTrue(PieceCodec.zstdAvailable(), "the jar carries the native library for this platform");
  }

  @Test
  void negotiationPrefersZstdThenDeflate() {
    assertEquals(Codec.ZSTD, PieceCodec.negotiate(true, true));
    assertEquals(Codec.ZSTD, PieceCodec.negotiate(true, false));
    assertEquals(Codec.DEFLATE, PieceCodec.negotiate(false, true));
    assertEquals(Codec.NONE, PieceCodec.negotiate(false, false));
  }

  @ParameterizedTest
  @EnumSource(names = {"DEFLATE", "ZSTD"})
  void textShrinksAndRoundTrips(Codec codec) {
    byte[] text = "def parse(self, response):\n    yield {'q': response.css('span')}\n".repeat(2000)
        .getBytes(StandardCharsets.UTF_8);
    byte[] packed = PieceCodec.compress(codec, text, 0, text.length);
    assertNotNull(packed);
    assertTrue(packed.length < text.length / 4);
    assertArrayEquals(text, decompress(codec, packed, text.length));
  }

  @Test
  void noneCompressesNothing() {
    byte[] text = text(64 * 1024);
    assertNull(PieceCodec.compress(Codec.NONE, text, 0, text.length));
    assertThrows(IllegalArgumentException.class, () -> decompress(Codec.NONE, text, text.length));
  }

  @ParameterizedTest
  @EnumSource(names = {"DEFLATE", "ZSTD"})
  void randomBytesAreSentRaw(Codec codec) {
    byte[] noise = noise(128 * 1024, 1);
    assertNull(PieceCodec.compress(codec, noise, 0, noise.length));
  }

  @ParameterizedTest
  @EnumSource(names = {"DEFLATE", "ZSTD"})
  void incompressibleHeadStopsThereEvenIfTheRestWouldShrink(Codec codec) {
    byte[] piece = text(64 * 1024);
    System.arraycopy(noise(PieceCodec.PROBE_BYTES, 2), 0, piece, 0, PieceCodec.PROBE_BYTES);
    assertNull(PieceCodec.compress(codec, piece, 0, piece.length), "the probe of the head decides");
    byte[] later = text(64 * 1024);
    System.arraycopy(noise(PieceCodec.PROBE_BYTES, 2), 0, later, PieceCodec.PROBE_BYTES, PieceCodec.PROBE_BYTES);
    byte[] packed = PieceCodec.compress(codec, later, 0, later.length);
    assertNotNull(packed, "the same noise after a compressible head is compressed with the rest");
    assertArrayEquals(later, decompress(codec, packed, later.length));
  }

  @ParameterizedTest
  @EnumSource(names = {"DEFLATE", "ZSTD"})
  void compressibleHeadAloneIsNotEnough(Codec codec) {
    byte[] piece = noise(64 * 1024, 3);
    System.arraycopy(text(PieceCodec.PROBE_BYTES), 0, piece, 0, PieceCodec.PROBE_BYTES);
    assertNull(PieceCodec.compress(codec, piece, 0, piece.length), "the whole piece must still shrink");
  }

  @ParameterizedTest
  @EnumSource(names = {"DEFLATE", "ZSTD"})
  void roundTripsAtSeveralSizesAndOffsets(Codec codec) {
    byte[] buf = text(PieceCodec.MAX_RAW_PIECE + 7);
    int p = PieceCodec.PROBE_BYTES;
    for (int len : new int[] {200, 1000, p - 1, p, p + 1, p + 63, 2 * p, 64 * 1024, 128 * 1024,
        PieceCodec.MAX_RAW_PIECE}) {
      for (int off : new int[] {0, 7}) {
        byte[] packed = PieceCodec.compress(codec, buf, off, len);
        assertNotNull(packed, "len " + len);
        assertTrue(packed.length <= len * PieceCodec.MIN_GAIN_RATIO, "len " + len);
        assertArrayEquals(Arrays.copyOfRange(buf, off, off + len), decompress(codec, packed, len),
            "len " + len + " off " + off);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"DEFLATE", "ZSTD"})
  void shortAndRandomPiecesOfEverySizeAreSentRaw(Codec codec) {
    assertNull(PieceCodec.compress(codec, text(63), 0, 63), "under 64 bytes nothing is compressed");
    byte[] buf = noise(64 * 1024 + 7, 4);
    int p = PieceCodec.PROBE_BYTES;
    for (int len : new int[] {63, 64, p - 1, p, p + 1, 64 * 1024}) {
      assertNull(PieceCodec.compress(codec, buf, 7, len), "len " + len);
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"DEFLATE", "ZSTD"})
  void decompressRefusesWrongSizesAndGarbage(Codec codec) {
    byte[] text = "abc".repeat(1000).getBytes(StandardCharsets.UTF_8);
    byte[] packed = PieceCodec.compress(codec, text, 0, text.length);
    assertThrows(IllegalArgumentException.class, () -> decompress(codec, packed, text.length - 1));
    assertThrows(IllegalArgumentException.class, () -> decompress(codec, packed, text.length + 1));
    assertThrows(IllegalArgumentException.class, () -> decompress(codec, packed, PieceCodec.MAX_RAW_PIECE + 1));
    assertThrows(IllegalArgumentException.class, () -> decompress(codec, packed, -1));
    assertThrows(IllegalArgumentException.class, () -> decompress(codec, new byte[] {1, 2, 3, 4, 5}, 100));
    assertThrows(IllegalArgumentException.class, () -> decompress(codec, new byte[0], 0));
    assertThrows(IllegalArgumentException.class, () -> decompress(codec, Arrays.copyOf(packed, packed.length - 3),
        text.length), "truncated");
    assertThrows(IllegalArgumentException.class, () -> decompress(codec, Arrays.copyOf(packed, packed.length / 2),
        text.length), "cut in half");
    assertArrayEquals(text, decompress(codec, packed, text.length), "the codec still works after all that");
  }

  @Test
  void zstdRefusesCorruptFrames() {
    byte[] text = text(32 * 1024);
    byte[] packed = PieceCodec.compress(Codec.ZSTD, text, 0, text.length);
    byte[] badMagic = packed.clone();
    badMagic[0] ^= 1;
    assertThrows(IllegalArgumentException.class, () -> decompress(Codec.ZSTD, badMagic, text.length));
    byte[] badHeader = packed.clone();
    badHeader[4] ^= (byte) 0xff;
    assertThrows(IllegalArgumentException.class, () -> decompress(Codec.ZSTD, badHeader, text.length));
    byte[] twice = Arrays.copyOf(packed, 2 * packed.length);
    System.arraycopy(packed, 0, twice, packed.length, packed.length);
    assertThrows(IllegalArgumentException.class, () -> decompress(Codec.ZSTD, twice, text.length),
        "a second frame: more than announced");
    byte[] deflated = PieceCodec.compress(Codec.DEFLATE, text, 0, text.length);
    assertThrows(IllegalArgumentException.class, () -> decompress(Codec.ZSTD, deflated, text.length),
        "DEFLATE announced as ZSTD");
    assertThrows(IllegalArgumentException.class, () -> decompress(Codec.DEFLATE, packed, text.length),
        "ZSTD announced as DEFLATE");
  }

  @Test
  void zstdBombsAreRefusedWithoutAllocatingTheirSize() {
    byte[] zeros = new byte[1024 * 1024];
    byte[] bomb = PieceCodec.compress(Codec.ZSTD, zeros, 0, zeros.length);
    assertTrue(bomb.length < 1024, "1 MiB of zeros packs into " + bomb.length + " bytes");
    assertThrows(IllegalArgumentException.class, () -> decompress(Codec.ZSTD, bomb, 1000));
    // a frame that does not announce its size is stopped when the output is full
    byte[] silent;
    try (ZstdCompressCtx z = new ZstdCompressCtx()) {
      silent = z.setContentSize(false).compress(zeros);
    }
    assertThrows(IllegalArgumentException.class, () -> decompress(Codec.ZSTD, silent, 1000));
    assertArrayEquals(zeros, decompress(Codec.ZSTD, silent, zeros.length));
  }

  @Test
  void decompressReadsFromThePositionWithoutMovingIt() {
    byte[] text = text(10_000);
    byte[] packed = PieceCodec.compress(Codec.ZSTD, text, 0, text.length);
    ByteBuffer framed = ByteBuffer.allocate(packed.length + 10);
    framed.position(5);
    framed.put(packed).flip().position(5);
    ByteBuffer view = framed.asReadOnlyBuffer();
    assertArrayEquals(text, PieceCodec.decompress(Codec.ZSTD, view, text.length));
    assertEquals(5, view.position());
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
