package dev.syncnode.worker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.syncnode.config.NodeConfig;
import dev.syncnode.fs.Scanner;
import dev.syncnode.metrics.SyncMetrics;
import dev.syncnode.transport.TransportException;
import dev.syncnode.worker.apply.DestinationWatch;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link SyncRun} against an in-memory {@link FakeSource}: real files, a real Vert.x, no sockets. */
class SyncRunTest {
  static final int BIG = 3 * 1024 * 1024;

  @TempDir Path tmp;
  Vertx vertx;
  FakeSource master;
  Path dest;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    master = new FakeSource(vertx, "s1", tmp);
    dest = tmp.resolve("dest");
    master.put("a.txt", "alpha\n".getBytes())
        .put("dir/b.txt", "beta\n".getBytes())
        .put("dir/sub/empty", new byte[0])
        .put("big.bin", FakeSource.random(1, BIG));
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get();
  }

  static NodeConfig config() {
    NodeConfig c = NodeConfig.defaults();
    NodeConfig.Sync s = c.sync();
    return c.withSync(new NodeConfig.Sync(s.useGrpc(), s.grpcCacheTtl(), s.grpcChunkSize(), s.ignore(), s.http(),
        new NodeConfig.Retry(3, Duration.ofMillis(1), Duration.ofMillis(5)), s.timeout(), s.parallelDownloads(),
        s.compression(), false));
  }

  SyncReport sync() throws Exception {
    try (DestinationWatch watch = DestinationWatch.open()) {
      SyncRun run = new SyncRun(vertx, config(), SyncMetrics.standalone(), new Scanner(), "s1", dest, master, null,
          SyncRun.Progress.NONE, watch);
      return FakeSource.onLoop(vertx, run::run);
    }
  }

  /** Every file under dest outside the reserved area, with its bytes as a string of their hash. */
  Map<String, String> tree() throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(dest)) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        String rel = dest.relativize(p).toString();
        if (!rel.startsWith(".syncnode")) {
          out.put(rel, FakeSource.sha256(Files.readAllBytes(p)));
        }
      }
    }
    return out;
  }

  Map<String, String> expected() {
    Map<String, String> out = new TreeMap<>();
    master.manifest().entries().stream().filter(e -> e.isFile()).forEach(e -> out.put(e.path(), e.hash()));
    return out;
  }

  List<Path> temps() throws IOException {
    Path t = dest.resolve(".syncnode/tmp");
    if (!Files.isDirectory(t)) {
      return List.of();
    }
    try (Stream<Path> walk = Files.walk(t)) {
      return walk.filter(p -> !p.equals(t)).toList();
    }
  }

  @Test
  void aFreshSyncInstallsEveryFileAndLeavesNoTempFile() throws Exception {
    SyncReport r = sync();
    assertEquals(expected(), tree());
    assertEquals(4, r.downloaded());
    assertEquals(master.served.get(), r.bytes(), "every byte served counted, none twice");
    assertTrue(Files.isDirectory(dest.resolve("dir/sub")));
    assertEquals(List.of(), temps());
  }

  @Test
  void anIncrementalSyncFetchesOnlyWhatChanged() throws Exception {
    sync();
    master.put("a.txt", "alpha, edited\n".getBytes()).put("new.txt", "new\n".getBytes()).remove("dir/b.txt");
    long before = master.served.get();
    SyncReport r = sync();
    assertEquals(expected(), tree());
    assertEquals(2, r.downloaded());
    assertEquals(1, r.deleted());
    assertEquals("alpha, edited\nnew\n".length(), master.served.get() - before);
    assertEquals(0, sync().downloaded(), "nothing left to do");
  }

  @Test
  void onlyFilesASyncInstalledAreDeleted() throws Exception {
    sync();
    Files.writeString(dest.resolve("dir/notes.txt"), "the operator's own file\n");
    master.remove("dir/b.txt").remove("a.txt");
    SyncReport r = sync();
    assertFalse(Files.exists(dest.resolve("dir/b.txt")));
    assertFalse(Files.exists(dest.resolve("a.txt")));
    assertEquals("the operator's own file\n", Files.readString(dest.resolve("dir/notes.txt")));
    assertEquals(2, r.deleted());
    assertEquals(1, r.kept());
  }

  @Test
  void aCorruptedByteIsRefusedAndNothingPartialIsVisible() throws Exception {
    sync();
    Map<String, String> before = tree();
    master.put("big.bin", FakeSource.random(2, BIG)).put("a.txt", "alpha 2\n".getBytes()).corrupt("big.bin");
    Exception err = org.junit.jupiter.api.Assertions.assertThrows(TransportException.class, this::sync);
    assertTrue(err.getMessage().contains("not installed"), err.getMessage());
    assertEquals(TransportException.Kind.INTEGRITY, ((TransportException) err).kind());
    assertEquals(before, tree(), "the old copy is intact, the good new file not installed alone");
    assertFalse(temps().stream().anyMatch(p -> p.getFileName().toString().startsWith(
        master.entry("big.bin").hash())), "the corrupt download is not kept: " + temps());
  }

  @Test
  void aPartialDownloadIsResumed() throws Exception {
    Path part = Files.createDirectories(dest.resolve(".syncnode/tmp")).resolve(master.entry("big.bin").hash()
        + ".part");
    byte[] big = FakeSource.random(1, BIG);
    Files.write(part, Arrays.copyOf(big, BIG / 3));
    SyncReport r = sync();
    assertEquals(expected(), tree());
    assertTrue(master.calls.contains("range big.bin " + BIG / 3 + " 0"), master.calls.toString());
    assertEquals(BIG - BIG / 3 + "alpha\nbeta\n".length(), master.served.get());
    assertEquals(master.served.get(), r.bytes());
  }

  @Test
  void aPartialDownloadIsResumedOverThePlainDownload() throws Exception {
    master.withoutTransfers();
    Path part = Files.createDirectories(dest.resolve(".syncnode/tmp")).resolve(master.entry("big.bin").hash()
        + ".part");
    Files.write(part, Arrays.copyOf(FakeSource.random(1, BIG), BIG / 2));
    SyncReport r = sync();
    assertEquals("http", r.transport());
    assertEquals(expected(), tree());
    assertTrue(master.calls.contains("download big.bin " + BIG / 2), master.calls.toString());
    assertEquals(List.of(), temps());
  }

  @Test
  void aPartialThatIsNotAPrefixIsThrownAwayAndTheFileFetchedAgain() throws Exception {
    Path part = Files.createDirectories(dest.resolve(".syncnode/tmp")).resolve(master.entry("big.bin").hash()
        + ".part");
    Files.write(part, FakeSource.random(7, BIG / 2));
    sync();
    assertEquals(expected(), tree());
    assertArrayEquals(FakeSource.random(1, BIG), Files.readAllBytes(dest.resolve("big.bin")));
  }
}
