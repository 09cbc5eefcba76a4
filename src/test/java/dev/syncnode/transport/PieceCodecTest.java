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
