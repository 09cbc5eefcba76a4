package dev.syncnode.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {

  @Test
  void parsesUnits() {
    assertEquals(Duration.ofMillis(250), Durations.parse("250ms"));
    assertEquals(Duration.ofSeconds(60), Durations.parse("60s"));
    assertEquals(Duration.ofMinutes(5), Durations.parse("5m"));
    assertEquals(Duration.ofHours(1), Durations.parse("1h"));
    assertEquals(Duration.ofMillis(1500), Durations.parse("1500"));
    assertEquals(Duration.ZERO, Durations.parse("0"));
    assertEquals(Duration.ofSeconds(5), Durations.parse(" 5S "));
  }

  @Test
  void rejectsGarbageWithAClearMessage() {
    for (String bad : new String[] {"", "s", "5x", "-5s", "1.5s", "5 minutes", "ms5", "99999999999999999999"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Durations.parse(bad), bad);
      assertTrue(e.getMessage().contains(bad), e.getMessage());
    }
    assertThrows(IllegalArgumentException.class, () -> Durations.parse(null));
    assertThrows(IllegalArgumentException.class, () -> Durations.parse("9999999999999999h"));
  }

  @Test
  void formatsShortestExactForm() {
    assertEquals("250ms", Durations.format(Duration.ofMillis(250)));
    assertEquals("1m", Durations.format(Duration.ofSeconds(60)));
    assertEquals("90s", Durations.format(Duration.ofSeconds(90)));
    assertEquals("5m", Durations.format(Duration.ofMinutes(5)));
    assertEquals("2h", Durations.format(Duration.ofHours(2)));
    assertEquals("0ms", Durations.format(Duration.ZERO));
    for (String s : new String[] {"250ms", "60s", "5m", "1h", "1001ms"}) {
      assertEquals(Durations.parse(s), Durations.parse(Durations.format(Durations.parse(s))));
    }
  }
}
