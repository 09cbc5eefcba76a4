package dev.syncnode;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Loads the classes a start is about to need on a second thread, in the order the start needs them
 * (lists recorded by {@code scripts/startup-classes.sh}), so reading, parsing and defining them from the
 * jar overlaps the main thread's work instead of adding to it. Classes are only loaded, never
 * initialised: no static initialiser runs earlier or on another thread than it would have. A name that
 * no longer exists is skipped; {@code -Dsyncnode.preload=false} turns it off (a class-data sharing
 * archive already holds these classes).
 */
final class ClassPreload {
  /** The classes a node's start and first {@code /health} load. */
  static final String NODE = "preload-node.txt";
  /** The classes a one-shot {@code sync} loads. */
  static final String SYNC = "preload-sync.txt";

  private ClassPreload() {}

  /** Starts a daemon thread that loads the classes of {@code list} (a resource beside this class). */
  static void start(String list) {
    if (!Boolean.parseBoolean(System.getProperty("syncnode.preload", "true"))) {
      return;
    }
    Thread t = new Thread(() -> load(list, ClassPreload.class.getClassLoader()), "syncnode-preload");
    t.setDaemon(true);
    t.setPriority(Thread.MIN_PRIORITY);
    t.start();
  }

  /** Loads, without initialising, every class the resource {@code list} names; returns how many were found. */
  static int load(String list, ClassLoader loader) {
    InputStream in = ClassPreload.class.getResourceAsStream(list);
    if (in == null) {
      return 0;
    }
    try (BufferedReader names = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      return load(names, loader);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Loads, without initialising, the class of each line; returns how many were found. */
  static int load(BufferedReader names, ClassLoader loader) throws IOException {
    int found = 0;
    for (String name = names.readLine(); name != null; name = names.readLine()) {
      if (loaded(name, loader)) {
        found++;
      }
    }
    return found;
  }

  private static boolean loaded(String name, ClassLoader loader) {
    try {
      Class.forName(name, false, loader);
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false; // renamed or removed since the list was recorded, or not for this JVM
    }
  }
}
