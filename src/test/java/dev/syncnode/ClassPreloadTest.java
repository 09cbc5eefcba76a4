package dev.syncnode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ClassPreloadTest {
  static volatile boolean markerInitialised;

  /** A class whose static initialiser says when it ran. */
  static final class Marker {
    static {
      markerInitialised = true;
    }

    private Marker() {}
  }

  @Test
  void loadsWithoutInitialisingAndSkipsUnknownNames() throws IOException {
    String names = "no.such.Clazz\n" + Marker.class.getName() + "\n\n" + String.class.getName() + "\n";
    int found = ClassPreload.load(new BufferedReader(new StringReader(names)), getClass().getClassLoader());
    assertEquals(2, found);
    assertFalse(markerInitialised, "preloading must not run a static initialiser");
  }

  @Test
  void theRecordedListsStillNameClassesThatExist() throws IOException {
    for (String list : new String[] {ClassPreload.NODE, ClassPreload.SYNC}) {
      int lines = lineCount(list);
      int found = ClassPreload.load(list, getClass().getClassLoader());
      assertTrue(lines > 1000, list + " lists " + lines + " classes");
      // a few names may go with a dependency upgrade; many mean: run scripts/startup-classes.sh
      assertTrue(found >= lines * 0.95, list + ": " + found + " of " + lines + " names load");
    }
  }

  @Test
  void aMissingListLoadsNothing() {
    assertEquals(0, ClassPreload.load("no-such-list.txt", getClass().getClassLoader()));
  }

  private static int lineCount(String list) throws IOException {
    try (InputStream in = ClassPreload.class.getResourceAsStream(list);
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      return (int) r.lines().count();
    }
  }
}
