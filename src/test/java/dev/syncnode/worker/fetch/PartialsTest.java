package dev.syncnode.worker.fetch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.syncnode.transport.TransportException.Kind;
import dev.syncnode.transport.TransportException;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a destination's temp area keeps between syncs, on real files. */
class PartialsTest {
  static final Instant NOW = Instant.parse("2026-01-10T12:00:00Z");

  @TempDir Path dest;
  Path tmp;

  @BeforeEach
  void setUp() throws IOException {
    tmp = Files.createDirectories(dest.resolve(".syncnode/tmp"));
  }

  Path temp(String rel, int size, Duration age) throws IOException {
    Path p = tmp.resolve(rel);
    Files.createDirectories(p.getParent());
    Files.write(p, new byte[size]);
    Files.setLastModifiedTime(p, FileTime.from(NOW.minus(age)));
    return p;
  }

  Set<String> left() throws IOException {
    try (Stream<Path> s = Files.walk(tmp)) {
      return s.filter(Files::isRegularFile).map(p -> tmp.relativize(p).toString()).collect(Collectors.toSet());
    }
  }

  @Test
  void oldPartialsGo() throws Exception {
    temp("a.part", 10, Duration.ofDays(2));
    temp("b.part", 10, Duration.ofHours(1));
    assertEquals(10, Partials.prune(tmp, null, Partials.MAX_BYTES, Partials.MAX_AGE, NOW));
    assertEquals(Set.of("b.part"), left());
  }

  @Test
  void beyondTheSizeBoundTheOldestGoFirst() throws Exception {
    temp("old.part", 100, Duration.ofMinutes(30));
    temp("mid.part", 100, Duration.ofMinutes(20));
    temp("bulk-1/new", 100, Duration.ofMinutes(10));
    assertEquals(100, Partials.prune(tmp, null, 250, Partials.MAX_AGE, NOW));
    assertEquals(Set.of("mid.part", "bulk-1/new"), left());
  }

  @Test
  void emptyLaneDirectoriesGo() throws Exception {
    temp("bulk-2/x", 5, Duration.ofDays(3));
    Partials.prune(tmp, null, Partials.MAX_BYTES, Partials.MAX_AGE, NOW);
    assertFalse(Files.exists(tmp.resolve("bulk-2")));
  }

  @Test
  void aSyncThatRanOutOfSpaceDropsEveryPartial() throws Exception {
    temp("a.part", 1000, Duration.ofMinutes(1));
    temp("bulk-1/b", 1000, Duration.ofMinutes(1));
    FileSystemException full = new FileSystemException(tmp.resolve("a.part").toString(), null, Partials.NO_SPACE);
    TransportException err = new TransportException(Kind.LOCAL_IO, "cannot write a into " + tmp + ": " + full
        .getMessage(), full);
    assertTrue(Partials.noSpace(err));
    assertTrue(Partials.noSpace(new RuntimeException(new IOException("write failed: No space left on device"))));
    Partials.afterFailure(tmp, err);
    assertEquals(Set.of(), left());
  }

  @Test
  void otherFailuresKeepRecentPartialsForResuming() throws Exception {
    Path recent = tmp.resolve("a.part");
    Files.write(recent, new byte[1000]);
    TransportException err = new TransportException(Kind.UNAVAILABLE, "master unreachable");
    assertFalse(Partials.noSpace(err));
    Partials.afterFailure(tmp, err);
    assertEquals(Set.of("a.part"), left());
  }
}
