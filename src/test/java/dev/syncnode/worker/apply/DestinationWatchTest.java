package dev.syncnode.worker.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.syncnode.manifest.IgnoreRules;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The watch answers "unchanged" only while nothing a sync manages changed since it was armed. */
class DestinationWatchTest {
  private static final IgnoreRules IGNORE = IgnoreRules.of(List.of("__pycache__/", "*.pyc", ".git/"));

  @TempDir Path dest;
  DestinationWatch watch;

  interface Change {
    void apply(Path dest) throws Exception;
  }

  @BeforeEach
  void setUp() throws Exception {
    watch = DestinationWatch.forTests(DestinationWatch.MAX_WATCHES, 30_000);
    write("a.txt", "aaaa");
    write("sub/b.txt", "bbbb");
    write("sub/deep/c.txt", "cccc");
    write("sub/__pycache__/m.pyc", "bytecode");
    write(".git/HEAD", "ref");
    arm();
  }

  @AfterEach
  void tearDown() throws Exception {
    watch.close();
  }

  void write(String rel, String content) throws Exception {
    Path p = dest.resolve(rel);
    Files.createDirectories(p.getParent());
    Files.writeString(p, content);
  }

  /** What SyncRun does after a sync: arm, then fingerprint and write the state. */
  void arm() throws Exception {
    long generation = watch.arm(dest, IGNORE);
    assertNotEquals(0, generation, "armed");
    LocalState.State state = new LocalState.State("s", "digest", 3, LocalState.fingerprint(dest, IGNORE));
    LocalState.write(dest, state);
    watch.written(dest, generation, state);
  }

  boolean unchanged() {
    return watch.unchanged(dest, LocalState.read(dest), IGNORE);
  }

  @Test
  void untouchedIsUnchanged() {
    assertTrue(unchanged());
    assertTrue(unchanged(), "asking does not change the answer");
  }

  static Stream<Named<Change>> changes() {
    return Stream.of(
        Named.of("same-size edit", d -> Files.writeString(d.resolve("a.txt"), "AAAA")),
        Named.of("append", d -> Files.writeString(d.resolve("a.txt"), "more", StandardOpenOption.APPEND)),
        Named.of("chmod", d -> Files.setPosixFilePermissions(d.resolve("a.txt"),
            PosixFilePermissions.fromString("rwx------"))),
        Named.of("touch", d -> Files.setLastModifiedTime(d.resolve("a.txt"), FileTime.fromMillis(1_000_000))),
        Named.of("create a file", d -> Files.writeString(d.resolve("new.txt"), "new")),
        Named.of("delete a file", d -> Files.delete(d.resolve("sub/b.txt"))),
        Named.of("rename", d -> Files.move(d.resolve("a.txt"), d.resolve("a2.txt"))),
        Named.of("new directory with a file", d -> {
          Files.createDirectory(d.resolve("newdir"));
          Files.writeString(d.resolve("newdir/f.txt"), "f");
        }),
        Named.of("nested edit", d -> Files.writeString(d.resolve("sub/deep/c.txt"), "changed")),
        Named.of("chmod of a directory", d -> Files.setPosixFilePermissions(d.resolve("sub/deep"),
            PosixFilePermissions.fromString("rwx------"))),
        Named.of("ignored directory replaced by a managed file", d -> {
          Files.delete(d.resolve("sub/__pycache__/m.pyc"));
          Files.delete(d.resolve("sub/__pycache__"));
          Files.writeString(d.resolve("sub/__pycache__"), "now a file");
        }));
  }

  @ParameterizedTest
  @MethodSource("changes")
  void anyManagedChangeIsSeen(Change change) throws Exception {
    change.apply(dest);
    assertFalse(unchanged());
  }

  static Stream<Named<Change>> ignoredChanges() {
    return Stream.of(
        Named.of("inside an ignored directory", d -> Files.writeString(d.resolve("sub/__pycache__/n.pyc"), "x")),
        Named.of("new ignored directory", d -> {
          Files.createDirectory(d.resolve("__pycache__"));
          Files.writeString(d.resolve("__pycache__/m.pyc"), "x");
        }),
        Named.of("ignored file", d -> Files.writeString(d.resolve("sub/x.pyc"), "x")),
        Named.of("inside .git", d -> Files.writeString(d.resolve(".git/HEAD"), "other")),
        Named.of("inside .syncnode", d -> {
          Files.writeString(d.resolve(".syncnode/other"), "x");
          Files.createDirectories(d.resolve(".syncnode/tmp"));
          Files.writeString(d.resolve(".syncnode/tmp/x.part"), "x");
        }));
  }

  @ParameterizedTest
  @MethodSource("ignoredChanges")
  void changesASyncIgnoresAreNotChanges(Change change) throws Exception {
    change.apply(dest);
    assertTrue(unchanged());
  }

  @Test
  void neverArmedIsNotUnchanged(@TempDir Path other) throws Exception {
    Files.writeString(other.resolve("a.txt"), "a");
    LocalState.write(other, new LocalState.State("s", "digest", 1, LocalState.fingerprint(other, IGNORE)));
    assertFalse(watch.unchanged(other, LocalState.read(other), IGNORE));
  }

  @Test
  void rearmingAfterAChangeMakesItUnchangedAgain() throws Exception {
    Files.writeString(dest.resolve("a.txt"), "changed");
    assertFalse(unchanged());
    arm();
    assertTrue(unchanged());
  }

  /** Managed directories of the fixture tree, plus {@code .syncnode}: what a full arming registers. */
  static final int FIXTURE_WATCHES = 4;

  @Test
  void aSyncReArmsInPlaceRegisteringOnlyItsNewDirectories() throws Exception {
    long before = watch.registrations();
    watch.suspend(dest);
    assertFalse(unchanged(), "a destination being synced is not unchanged");
    write("sub/b.txt", "what the sync wrote");
    write("fresh/new.txt", "a new directory");
    arm();
    assertEquals(before + 1, watch.registrations(), "only fresh/ was registered");
    assertTrue(unchanged(), "the sync's own changes are not changes");
    write("sub/deep/c.txt", "changed after the sync, in a directory whose watch was kept");
    assertFalse(unchanged());
  }

  static Stream<Named<Change[]>> restructured() {
    return Stream.of(
        Named.of("directory deleted and made again", new Change[] {
            d -> {
              Files.delete(d.resolve("sub/deep/c.txt"));
              Files.delete(d.resolve("sub/deep"));
              Files.createDirectory(d.resolve("sub/deep"));
              Files.writeString(d.resolve("sub/deep/c.txt"), "again");
            },
            d -> Files.writeString(d.resolve("sub/deep/c.txt"), "after")}),
        Named.of("directory moved out and another made in its place", new Change[] {
            d -> {
              Files.move(d.resolve("sub/deep"), d.getParent().resolve(d.getFileName() + "-moved-out"));
              Files.createDirectory(d.resolve("sub/deep"));
              Files.writeString(d.resolve("sub/deep/c.txt"), "another");
            },
            d -> Files.writeString(d.resolve("sub/deep/new.txt"), "after")}),
        Named.of("directory moved within the destination", new Change[] {
            d -> Files.move(d.resolve("sub/deep"), d.resolve("deep2")),
            d -> Files.writeString(d.resolve("deep2/c.txt"), "after")}),
        Named.of("new directory tree", new Change[] {
            d -> {
              Files.createDirectories(d.resolve("x/y"));
              Files.writeString(d.resolve("x/y/z.txt"), "z");
            },
            d -> Files.writeString(d.resolve("x/y/z2.txt"), "after")}),
        Named.of("directory replaced by a file", new Change[] {
            d -> {
              Files.delete(d.resolve("sub/deep/c.txt"));
              Files.delete(d.resolve("sub/deep"));
              Files.writeString(d.resolve("sub/deep"), "a file now");
            },
            d -> Files.writeString(d.resolve("sub/deep"), "after")}),
        Named.of("file replaced by a directory", new Change[] {
            d -> {
              Files.delete(d.resolve("a.txt"));
              Files.createDirectory(d.resolve("a.txt"));
              Files.writeString(d.resolve("a.txt/inner.txt"), "inner");
            },
            d -> Files.writeString(d.resolve("a.txt/inner.txt"), "after")}));
  }

  /**
   * Whatever a sync (or anyone during it) did to the tree while the destination was suspended, a
   * change after re-arming is seen; a re-arming that cannot keep the watches soundly is not armed.
   */
  @ParameterizedTest
  @MethodSource("restructured")
  void afterARestructuringSyncEveryLaterChangeIsSeen(Change[] duringAndAfter) throws Exception {
    watch.suspend(dest);
    duringAndAfter[0].apply(dest);
    long generation = watch.arm(dest, IGNORE);
    LocalState.State state = new LocalState.State("s", "digest", 3, LocalState.fingerprint(dest, IGNORE));
    LocalState.write(dest, state);
    watch.written(dest, generation, state);
    if (generation == 0) {
      assertFalse(unchanged(), "not armed: the next sync walks");
      return;
    }
    assertTrue(unchanged(), "the changes made while suspended are in the fingerprint");
    duringAndAfter[1].apply(dest);
    assertFalse(unchanged());
  }

  @Test
  void otherIgnoreRulesAtReArmingRegisterEverythingAgain() throws Exception {
    long before = watch.registrations();
    watch.suspend(dest);
    IgnoreRules other = IgnoreRules.of(List.of("*.pyc", ".git/"));
    long generation = watch.arm(dest, other);
    assertNotEquals(0, generation);
    assertEquals(before + FIXTURE_WATCHES + 1, watch.registrations(), "__pycache__ is managed now, and watched");
    LocalState.State state = new LocalState.State("s", "digest", 3, LocalState.fingerprint(dest, other));
    LocalState.write(dest, state);
    watch.written(dest, generation, state);
    assertTrue(watch.unchanged(dest, state, other));
    write("sub/__pycache__/notes.txt", "managed under the new rules");
    assertFalse(watch.unchanged(dest, state, other));
  }

  @Test
  void aSuspendedDestinationDisarmedStartsOverAtItsNextArming() throws Exception {
    watch.suspend(dest);
    watch.disarm(dest);
    long before = watch.registrations();
    arm();
    assertEquals(before + FIXTURE_WATCHES, watch.registrations(), "every directory registered again");
    assertTrue(unchanged());
  }

  @Test
  void anotherStateOrOtherIgnoreRulesAreNotProven() throws Exception {
    LocalState.State stored = LocalState.read(dest);
    assertFalse(watch.unchanged(dest, new LocalState.State("s", "other digest", 3, stored.fingerprint()), IGNORE));
    assertFalse(watch.unchanged(dest, stored, IgnoreRules.of(List.of("*.pyc"))));
    assertTrue(unchanged());
  }

  @Test
  void disarmedIsNotUnchanged() {
    watch.disarm(dest);
    assertFalse(unchanged());
  }

  @Test
  void overTheWatchBudgetTheDestinationArmedLongestAgoWalksAgain(@TempDir Path base) throws Exception {
    DestinationWatch small = DestinationWatch.forTests(6, 30_000); // each destination below takes 3 watches
    try {
      Path[] dests = new Path[3];
      for (int i = 0; i < dests.length; i++) {
        dests[i] = base.resolve("d" + i);
        Files.createDirectories(dests[i].resolve("sub"));
        Files.writeString(dests[i].resolve("sub/f.txt"), "f" + i);
        long generation = small.arm(dests[i], IGNORE);
        assertNotEquals(0, generation, "d" + i + " armed");
        LocalState.State state = new LocalState.State("s", "digest", 1, LocalState.fingerprint(dests[i], IGNORE));
        LocalState.write(dests[i], state);
        small.written(dests[i], generation, state);
      }
      assertFalse(small.unchanged(dests[0], LocalState.read(dests[0]), IGNORE), "d0 made room for d2");
      assertTrue(small.unchanged(dests[1], LocalState.read(dests[1]), IGNORE));
      assertTrue(small.unchanged(dests[2], LocalState.read(dests[2]), IGNORE));

      Path big = base.resolve("big");
      for (int i = 0; i < 8; i++) {
        Files.createDirectories(big.resolve("dir" + i));
      }
      assertEquals(0, small.arm(big, IGNORE), "a destination larger than the whole budget is not armed");
      assertTrue(small.unchanged(dests[2], LocalState.read(dests[2]), IGNORE), "the newest stays armed as far as it can");
    } finally {
      small.close();
    }
  }
}
