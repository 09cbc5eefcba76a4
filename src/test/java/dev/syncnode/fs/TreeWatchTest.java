package dev.syncnode.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.WatchEvent;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Trees of real directories: what is watched, what is followed, what a budget and a re-watch do. */
class TreeWatchTest {
  @TempDir Path root;
  /** "rel/name" of each event, in order, as the watch thread hands them over. */
  final BlockingQueue<String> seen = new LinkedBlockingQueue<>();
  TreeWatch watch;

  @BeforeEach
  void setUp() throws IOException {
    watch = new TreeWatch("test-tree-watch", 10, new TreeWatch.Listener() {
      @Override
      public void changed(TreeWatch.Tree tree, String rel, List<WatchEvent<?>> events, boolean gone) {
        events.forEach(ev -> seen.add((rel.isEmpty() ? "" : rel + "/") + ev.context()));
      }

      @Override
      public void overflow() {
        seen.add("OVERFLOW");
      }
    });
    Files.createDirectories(root.resolve("a/b"));
    Files.createDirectories(root.resolve("skip/inner"));
  }

  @AfterEach
  void tearDown() throws IOException {
    watch.close();
  }

  /** Waits for the event on {@code path}; the timeout only bounds a broken run. */
  void awaitEvent(String path) throws InterruptedException {
    String next;
    while ((next = seen.poll(30, TimeUnit.SECONDS)) != null) {
      if (next.equals(path)) {
        return;
      }
    }
    throw new AssertionError("no event on " + path);
  }

  @Test
  void watchesWhatTheFilterAdmits() throws Exception {
    TreeWatch.Tree t = watch.watch(root, rel -> !rel.startsWith("skip"), TreeWatch.Mode.EXACT, null);
    assertEquals(3, t.size(), "root, a, a/b");
    assertTrue(watch.watches(t, "a/b"));
    assertFalse(watch.watches(t, "skip"));
    Files.writeString(root.resolve("skip/inner/x"), "x");
    Files.writeString(root.resolve("a/b/f"), "f");
    awaitEvent("a/b/f");
    assertFalse(seen.contains("skip/inner/x"));
  }

  @Test
  void followsNewDirectories() throws Exception {
    watch.watch(root, rel -> true, TreeWatch.Mode.FOLLOW, null);
    Files.createDirectory(root.resolve("new"));
    awaitEvent("new"); // handed over after new/ is watched
    Files.createDirectory(root.resolve("new/deeper"));
    awaitEvent("new/deeper");
    Files.writeString(root.resolve("new/deeper/f"), "f");
    awaitEvent("new/deeper/f");
  }

  @Test
  void anExactTreeOverItsBudgetFails() throws Exception {
    for (int i = 0; i < 10; i++) {
      Files.createDirectories(root.resolve("many/d" + i));
    }
    assertThrows(IOException.class, () -> watch.watch(root, rel -> true, TreeWatch.Mode.EXACT, null));
    assertEquals(0, watch.watches(), "a failed tree holds nothing");
  }

  @Test
  void reWatchingInPlaceKeepsTheWatchesOfUnchangedDirectories() throws Exception {
    TreeWatch.Tree first = watch.watch(root, rel -> true, TreeWatch.Mode.EXACT, null);
    long before = watch.registrations();
    Files.delete(root.resolve("skip/inner"));
    Files.createDirectory(root.resolve("skip/inner")); // same path, another directory
    TreeWatch.Tree second = watch.watch(root, rel -> true, TreeWatch.Mode.EXACT, first);
    assertEquals(before + 1, watch.registrations(), "only skip/inner registered again");
    assertEquals(5, watch.watches());
    assertFalse(watch.watches(first, "a"), "the earlier tree is cancelled");
    watch.cancel(second);
    assertEquals(0, watch.watches());
  }

  @Test
  void aDirectoryWatchedByAnotherTreeIsNotClaimedTwice() throws Exception {
    watch.watch(root.resolve("a"), rel -> true, TreeWatch.Mode.EXACT, null);
    assertThrows(IOException.class, () -> watch.watch(root, rel -> true, TreeWatch.Mode.EXACT, null));
    assertEquals(2, watch.watches(), "the first tree keeps its watches");
  }
}
