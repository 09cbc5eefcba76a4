package dev.syncnode.it;

import static dev.syncnode.it.Trees.random;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.syncnode.config.NodeConfig;
import dev.syncnode.metrics.SyncMetrics;
import dev.syncnode.proto.Compression;
import dev.syncnode.proto.FileDownloadChunk;
import dev.syncnode.worker.SyncReport;
import io.micrometer.core.instrument.Counter;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Transfer efficiency end to end, over real gRPC on loopback, with the bytes that cross the socket
 * counted by a TCP proxy between worker and master: the no-change round trip, block delta, local
 * reuse, compression (negotiated, and over a whole text-heavy sync), bulk small files, and that a
 * corrupt block is never installed.
 */
class TransferEfficiencyTest {
  @TempDir Path tmp;
  Path workspace;
  Path mirror;
  Path spider;
  Cluster cluster;
  CountingProxy proxy;

  @BeforeEach
  void setUp() throws Exception {
    workspace = Files.createDirectories(tmp.resolve("master"));
    mirror = Files.createDirectories(tmp.resolve("worker"));
    spider = Files.createDirectories(workspace.resolve("s1"));
    // every scan sees the master's tree as it is now (no TTL cache in the way of these tests)
    cluster = new Cluster(workspace, mirror, c -> {
      NodeConfig f = Cluster.fastRetries(c);
      NodeConfig.Sync s = f.sync();
      return f.withSync(new NodeConfig.Sync(s.useGrpc(), Duration.ofMillis(1), s.grpcChunkSize(), s.ignore(),
          s.http(), s.retry(), s.timeout()));
    });
    proxy = new CountingProxy(cluster.master.grpcPort());
    viaPort(proxy.port());
  }

  void viaPort(int port) {
    NodeConfig w = cluster.workerConfig.get();
    cluster.workerConfig.set(w.withMaster(new NodeConfig.Master("127.0.0.1:" + port, w.master().http())));
  }

  @AfterEach
  void tearDown() throws Exception {
    proxy.close();
    cluster.close();
  }

  static String python(int seed, int bytes) {
    Random r = new Random(seed);
    StringBuilder sb = new StringBuilder(bytes + 200);
    while (sb.length() < bytes) {
      int n = r.nextInt(1000);
      sb.append("def parse_item_").append(n).append("(self, response):\n")
          .append("    for quote in response.css('div.quote'):\n")
          .append("        yield {'text': quote.css('span.text::text').get(), 'n': ").append(n).append("}\n\n");
    }
    return sb.toString();
  }

  static double counter(SyncMetrics m, String name, String... tags) {
    Counter c = m.registry().find(name).tags(tags).counter();
    return c == null ? 0 : c.count();
  }

  Map<String, String> expected() throws Exception {
    return Trees.describe(spider, Trees::notIgnored);
  }

  Map<String, String> actual() throws Exception {
    return Trees.describe(mirror.resolve("s1"));
  }

  @Test
  void noChangeSyncIsOneSmallRoundTrip() throws Exception {
    for (int i = 0; i < 2000; i++) {
      Trees.write(spider, "pkg" + (i % 30) + "/mod_" + i + ".py", "X = " + i + "\n");
    }
    SyncReport first = cluster.sync("s1", null);
    assertEquals(2000, first.downloaded());
    assertEquals(expected(), actual());

    long before = proxy.total();
    SyncReport again = cluster.sync("s1", null);
    long moved = proxy.total() - before;
    assertTrue(again.unchanged(), "the master confirmed the worker's digest");
    assertEquals(0, again.downloaded());
    assertEquals(2000, again.files());
    assertTrue(moved < 1024, "a no-change sync of 2000 files moved " + moved + " bytes");

    // a local change breaks the fingerprint: the worker asks for the list and repairs the file
    Path local = mirror.resolve("s1/pkg7/mod_7.py");
    Files.writeString(local, "X = tampered\n");
    SyncReport repaired = cluster.sync("s1", null);
    assertFalse(repaired.unchanged());
    assertEquals(1, repaired.downloaded());
    assertEquals(expected(), actual());
    assertTrue(cluster.sync("s1", null).unchanged());

    // a change on the master changes the digest
    Trees.write(spider, "pkg1/mod_1.py", "X = 'new'\n");
    SyncReport changed = cluster.sync("s1", null);
    assertFalse(changed.unchanged());
    assertEquals(1, changed.downloaded());
    assertEquals(expected(), actual());
  }

  @Test
  void blockDeltaAfterA64KiBChangeMovesLittleAndVerifies() throws Exception {
    byte[] big = random(1, 50 * 1024 * 1024);
    Trees.write(spider, "data/big.bin", big);
    Trees.write(spider, "main.py", "print('v1')\n");
    cluster.sync("s1", null);

    try (RandomAccessFile f = new RandomAccessFile(spider.resolve("data/big.bin").toFile(), "rw")) {
      f.seek(25_000_001);
      f.write(random(2, 64 * 1024));
    }
    long before = proxy.total();
    SyncReport r = cluster.sync("s1", null);
    long moved = proxy.total() - before;
    assertEquals(1, r.downloaded());
    assertEquals(expected(), actual(), "the rebuilt file has the master's SHA-256");
    assertEquals(1.0, counter(cluster.workerMetrics, "syncnode.files.transferred", "mode", "delta"));
    assertTrue(moved < 1024 * 1024, "64 KiB changed in 50 MB moved " + moved + " bytes");
    assertTrue(moved < 120 * 1024, "delta should move about the changed blocks, moved " + moved);
  }

  @Test
  void movedAndCopiedFilesAreReusedNotDownloaded() throws Exception {
    Trees.write(spider, "a.bin", random(3, 2 * 1024 * 1024));
    Trees.write(spider, "b.bin", random(4, 300 * 1024));
    Trees.write(spider, "c.txt", "c\n");
    cluster.sync("s1", null);

    Files.createDirectories(spider.resolve("moved"));
    Files.move(spider.resolve("a.bin"), spider.resolve("moved/a.bin"));
    Files.copy(spider.resolve("b.bin"), spider.resolve("copy-of-b.bin"));
    long before = proxy.total();
    SyncReport r = cluster.sync("s1", null);
    long moved = proxy.total() - before;
    assertEquals(2, r.downloaded());
    assertEquals(2, r.reused());
    assertEquals(expected(), actual());
    assertTrue(moved < 16 * 1024, "a move and a copy of 2.3 MB moved " + moved + " bytes");
    assertEquals(0.0, counter(cluster.workerMetrics, "syncnode.files.transferred", "mode", "whole") - 1.0,
        "only the first sync's large file was downloaded whole");
  }

  @Test
  void compressionIsNegotiatedAndSkippedForIncompressibleData() throws Exception {
    String text = python(5, 3 * 1024 * 1024);
    Trees.write(spider, "spider.py", text);
    Trees.write(spider, "noise.bin", random(6, 1024 * 1024));
    Trees.write(spider, "archive.gz", text); // a compressed name: never compressed again
    try (RawGrpc grpc = new RawGrpc(cluster.master.grpcPort())) {
      List<FileDownloadChunk> deflated = grpc.download("s1", "spider.py", 0, false, true).messages();
      long pieces = deflated.stream().filter(c -> !c.getData().isEmpty()).count();
      long packed = deflated.stream().filter(c -> c.getCompression() == Compression.DEFLATE).count();
      assertTrue(packed >= pieces - 1, packed + " of " + pieces + " pieces compressed (a tiny tail may go raw)");
      long wire = deflated.stream().mapToLong(c -> c.getData().size()).sum();
      assertTrue(wire < text.length() / 2, "python source sent as " + wire + " of " + text.length() + " bytes");
      assertEquals(text.length(), deflated.stream().mapToLong(FileDownloadChunk::getRawSize).sum());

      assertTrue(grpc.download("s1", "spider.py", 0, false, false).messages().stream()
          .allMatch(c -> c.getCompression() == Compression.NONE), "not accepted, not compressed");
      assertTrue(grpc.download("s1", "noise.bin", 0, false, true).messages().stream()
          .allMatch(c -> c.getCompression() == Compression.NONE), "incompressible data goes raw");
      assertTrue(grpc.download("s1", "archive.gz", 0, false, true).messages().stream()
          .allMatch(c -> c.getCompression() == Compression.NONE));
    }

    long before = proxy.total();
    cluster.sync("s1", null);
    long moved = proxy.total() - before;
    assertEquals(expected(), actual());
    long raw = 2L * text.length() + 1024 * 1024;
    assertTrue(moved < text.length() / 2 + text.length() + 1024 * 1024 + 64 * 1024,
        "sync of " + raw + " bytes moved " + moved);
  }

  @Test
  void aTextHeavyTreeArrivesExactWithCompressedBytesOnTheWire() throws Exception {
    Random r = new Random(11);
    long raw = 0;
    for (int i = 0; i < 300; i++) {
      String text = python(i, 1 + r.nextInt(30_000));
      Trees.write(spider, "pkg" + (i % 7) + "/mod_" + i + ".py", text); // small: bulk streams
      raw += text.length();
    }
    for (int i = 0; i < 2; i++) {
      String text = python(1000 + i, 3 * 1024 * 1024);
      Trees.write(spider, "big" + i + ".py", text); // large: one stream each
      raw += text.length();
    }
    long before = proxy.total();
    SyncReport report = cluster.sync("s1", null);
    long moved = proxy.total() - before;
    assertEquals(302, report.downloaded());
    assertEquals(expected(), actual());
    assertTrue(moved < raw / 4, "a sync of " + raw + " bytes of source moved " + moved);
  }

  @Test
  void manySmallFilesTravelInBulkAndArriveExact() throws Exception {
    Random r = new Random(7);
    for (int i = 0; i < 700; i++) {
      String dir = "d" + (i % 13) + "/e" + (i % 5);
      if (i % 3 == 0) {
        Trees.write(spider, dir + "/f" + i + ".py", python(i, 1 + r.nextInt(20_000)));
      } else if (i % 3 == 1) {
        Trees.write(spider, dir + "/f" + i + ".bin", random(i, r.nextInt(64 * 1024)));
      } else {
        Trees.write(spider, dir + "/same" + i + ".txt", "same content\n");
      }
    }
    Trees.write(spider, "empty.txt", "");
    SyncReport report = cluster.sync("s1", null);
    assertEquals(701, report.files());
    assertEquals(expected(), actual());
    double bulk = counter(cluster.workerMetrics, "syncnode.files.transferred", "mode", "bulk");
    assertTrue(bulk >= 460, "distinct contents went in bulk streams: " + bulk);
    assertEquals(0.0, counter(cluster.workerMetrics, "syncnode.files.transferred", "mode", "whole"));
  }

  @Test
  void aPartialDownloadResumesAndABadPartialIsDiscarded() throws Exception {
    byte[] big = random(12, 6 * 1024 * 1024);
    Trees.write(spider, "big.bin", big);
    String hash = Trees.sha256(spider.resolve("big.bin"));
    Path tmpArea = Files.createDirectories(mirror.resolve("s1/.syncnode/tmp"));
    Files.write(tmpArea.resolve(hash + ".part"), java.util.Arrays.copyOf(big, 4 * 1024 * 1024));
    SyncReport resumed = cluster.sync("s1", null);
    assertEquals(expected(), actual());
    assertTrue(resumed.bytes() <= 2 * 1024 * 1024 + 64 * 1024, "resumed with " + resumed.bytes() + " bytes");

    Trees.write(spider, "big2.bin", random(13, 3 * 1024 * 1024));
    String hash2 = Trees.sha256(spider.resolve("big2.bin"));
    byte[] wrong = random(14, 1024 * 1024);
    Files.write(tmpArea.resolve(hash2 + ".part"), wrong);
    cluster.sync("s1", null); // the partial does not hash to the manifest: thrown away, downloaded again
    assertEquals(expected(), actual());
  }

  @Test
  void corruptBlocksAreNeverInstalled() throws Exception {
    byte[] v1 = random(8, 4 * 1024 * 1024);
    Trees.write(spider, "big.bin", v1);
    Trees.write(spider, "small.txt", "v1\n");
    cluster.sync("s1", null);
    Map<String, String> before = actual();

    try (RandomAccessFile f = new RandomAccessFile(spider.resolve("big.bin").toFile(), "rw")) {
      f.seek(2_000_000);
      f.write(random(9, 64 * 1024));
    }
    try (TamperingGrpcProxy evil = new TamperingGrpcProxy(cluster.master.grpcPort())) {
      viaPort(evil.port());
      Exception err = assertThrows(Exception.class, () -> cluster.sync("s1", null));
      assertTrue(err.getMessage().contains("not installed"), err.getMessage());
      assertTrue(evil.tampered.get() > 0);
      assertTrue(evil.blockHashCalls.get() > 0, "a delta was attempted with correct block hashes");
      assertEquals(before, actual(), "the old copy is intact");
      assertEquals(v1.length, Files.size(mirror.resolve("s1/big.bin")));
    }
    viaPort(proxy.port());
    cluster.sync("s1", null);
    assertEquals(expected(), actual());
    assertNotEquals(before, actual());
  }

}
