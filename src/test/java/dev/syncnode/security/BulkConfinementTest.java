package dev.syncnode.security;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.syncnode.bus.Addresses;
import dev.syncnode.it.Cluster;
import dev.syncnode.it.RawGrpc;
import dev.syncnode.it.Trees;
import dev.syncnode.master.scan.SpiderWatchVerticle;
import dev.syncnode.piece.PieceCodec;
import dev.syncnode.proto.Compression;
import dev.syncnode.proto.FileData;
import dev.syncnode.proto.FileScanChunk;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.grpc.common.GrpcStatus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The bulk call {@code StreamFiles} against symlinks and ignored places on the master. The master
 * opens the files of one request without following any symlink and falls back to the full check for
 * anything else; these requests hit every fallback after legitimate files of the same request (so the
 * root and the directories on the way are already open) and must be refused exactly as a single
 * download is, without a byte of a file outside the spider (all of them hold {@code TOP-SECRET}).
 */
class BulkConfinementTest {
  static final String SECRET = "TOP-SECRET";
  static final List<String> GOOD = List.of("ok.txt", "sub/inner.txt", "sub/deeper/leaf.txt");

  @TempDir static Path tmp;
  static Path ws;
  static Path outside;
  static Path spider;
  static byte[] big;
  static byte[] noise;
  static Nodes.Master master;
  static RawGrpc grpc;

  @BeforeAll
  static void start() throws Exception {
    outside = Files.createDirectories(tmp.resolve("outside"));
    Files.writeString(outside.resolve("secret.txt"), SECRET + "-OUTSIDE\n");
    Files.writeString(outside.resolve("inner.txt"), SECRET + "-OUTSIDE-INNER\n");
    ws = Files.createDirectories(tmp.resolve("ws"));
    Trees.write(ws.resolve("spider2"), "secret2.txt", SECRET + "-SIBLING\n");
    spider = ws.resolve("spider1");
    Trees.write(spider, "ok.txt", "hello\n");
    Trees.write(spider, "sub/inner.txt", "inner\n");
    Trees.write(spider, "sub/deeper/leaf.txt", "leaf\n");
    Trees.write(spider, ".git/config", SECRET + "-GIT\n");
    big = "def parse(self, response):\n    yield {'q': response.css('span::text').get()}\n".repeat(40_000)
        .getBytes(StandardCharsets.UTF_8); // more than one round of pieces, compressible
    Trees.write(spider, "big.py", big);
    noise = new byte[300 * 1024];
    new Random(7).nextBytes(noise);
    Trees.write(spider, "noise.bin", noise);
    Files.createSymbolicLink(spider.resolve("link-out"), outside.resolve("secret.txt"));
    Files.createSymbolicLink(spider.resolve("sub/rel-out"), Path.of("../../../outside/secret.txt"));
    Files.createSymbolicLink(spider.resolve("dir-out"), outside);
    Files.createSymbolicLink(spider.resolve("sub/deeper/dir-out"), outside);
    Files.createSymbolicLink(spider.resolve("sibling"), Path.of("../spider2/secret2.txt"));
    Files.createSymbolicLink(spider.resolve("link-git"), Path.of(".git/config"));
    Files.createSymbolicLink(spider.resolve("sub/link-git"), Path.of("../.git/config"));
    Files.createSymbolicLink(spider.resolve("dir-git"), Path.of(".git"));
    Files.createSymbolicLink(spider.resolve("inside-link"), Path.of("ok.txt"));
    Files.createSymbolicLink(spider.resolve("alias"), Path.of("sub"));
    master = new Nodes.Master(ws, c -> c);
    grpc = new RawGrpc(master.node.grpcPort());
  }

  @AfterAll
  static void stop() throws Exception {
    grpc.close();
    master.close();
  }

  /** Each file's content by request index, decompressed where the piece was compressed. */
  static TreeMap<Integer, byte[]> contents(RawGrpc.Result<FileData> r) {
    TreeMap<Integer, ByteArrayOutputStream> out = new TreeMap<>();
    for (FileData d : r.messages()) {
      byte[] data = d.getCompression() == Compression.NONE ? d.getData().toByteArray()
          : PieceCodec.decompress(PieceCodec.Codec.valueOf(d.getCompression().name()),
              d.getData().asReadOnlyByteBuffer(), d.getRawSize());
      out.computeIfAbsent(d.getIndex(), i -> new ByteArrayOutputStream()).writeBytes(data);
    }
    TreeMap<Integer, byte[]> bytes = new TreeMap<>();
    out.forEach((i, b) -> bytes.put(i, b.toByteArray()));
    return bytes;
  }

  static void assertNoSecret(RawGrpc.Result<FileData> r) {
    assertFalse(r.message().contains(SECRET), "leaked: " + r.message());
    for (byte[] b : contents(r).values()) {
      assertFalse(new String(b, StandardCharsets.ISO_8859_1).contains(SECRET), "leaked in the data");
    }
  }

  /** This JVM's open file descriptors (the master runs in it) on anything under {@code dir}. */
  static long openUnder(Path dir) throws IOException {
    Path real = dir.toRealPath();
    long n = 0;
    try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
      for (Path fd : fds) {
        try {
          if (Files.readSymbolicLink(fd).startsWith(real)) {
            n++;
          }
        } catch (IOException closedMeanwhile) {
          // the listing's own descriptor, or one closed since
        }
      }
    }
    return n;
  }

  @Test
  void finishedAndRefusedRequestsLeaveNothingOfTheSpiderOpen() throws Exception {
    assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "needs /proc");
    long before = openUnder(ws);
    for (int i = 0; i < 5; i++) {
      RawGrpc.Result<FileData> all = grpc.files("spider1", GOOD, true);
      assertEquals(GrpcStatus.OK, all.status(), all.message());
      assertEquals(GrpcStatus.OK, grpc.download("spider1", "sub/deeper/leaf.txt", 0).status());
      assertEquals(GrpcStatus.OK, grpc.files("spider1", List.of("big.py", "sub/inner.txt"), true, false).status());
      assertEquals(GrpcStatus.INVALID_ARGUMENT,
          grpc.files("spider1", List.of("sub/deeper/leaf.txt", "sub/deeper/dir-out/inner.txt"), false).status());
      assertEquals(GrpcStatus.NOT_FOUND,
          grpc.files("spider1", List.of("sub/inner.txt", "missing.txt"), false).status());
    }
    assertEquals(before, openUnder(ws), "descriptors on the spider left open by finished requests");
  }

  @Test
  void aWorkerThatGoesAwayMidStreamLeavesNothingOfTheSpiderOpen() throws Exception {
    assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "needs /proc");
    long before = openUnder(ws);
    // 6 MiB of random data: the first round (2 MiB) overfills the stream's window, so the master is
    // waiting for it to drain, with the file and its directories open, when the call is cancelled
    List<String> paths = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      paths.add(i % 2 == 0 ? "noise.bin" : "sub/deeper/leaf.txt");
    }
    for (int i = 0; i < 3; i++) {
      grpc.filesAbandoned("spider1", paths);
    }
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
    long open;
    while ((open = openUnder(ws)) != before && System.nanoTime() < deadline) {
      Thread.onSpinWait(); // the resets reach the master asynchronously
    }
    assertEquals(before, open, "descriptors on the spider left open by cancelled requests");
  }

  @ParameterizedTest(name = "accept deflate: {0}")
  @ValueSource(booleans = {true, false})
  void filesDirectoriesAndLinksInsideAreServedInAnyOrder(boolean deflate) throws Exception {
    List<String> paths = List.of("sub/deeper/leaf.txt", "ok.txt", "big.py", "sub/inner.txt", "inside-link",
        "alias/inner.txt", "noise.bin", "sub/deeper/leaf.txt", "alias/deeper/leaf.txt", "ok.txt");
    RawGrpc.Result<FileData> r = grpc.files("spider1", paths, deflate);
    assertEquals(GrpcStatus.OK, r.status(), r.message());
    TreeMap<Integer, byte[]> got = contents(r);
    assertEquals(paths.size(), got.size());
    for (int i = 0; i < paths.size(); i++) {
      assertArrayEquals(Files.readAllBytes(spider.resolve(paths.get(i))), got.get(i), paths.get(i));
    }
    Set<Integer> deflated = new HashSet<>();
    r.messages().stream().filter(d -> d.getCompression() == Compression.DEFLATE).forEach(d -> deflated.add(d.getIndex()));
    assertEquals(deflate ? Set.of(2) : Set.of(), deflated, "only the text file is deflated, and only when accepted");
  }

  static Stream<Arguments> refused() {
    Set<GrpcStatus> ia = Set.of(GrpcStatus.INVALID_ARGUMENT);
    Set<GrpcStatus> nf = Set.of(GrpcStatus.NOT_FOUND);
    return Stream.of(
        Arguments.of("link-out", ia), // a symlinked file pointing outside, absolute
        Arguments.of("sub/rel-out", ia), // the same, relative, one level down
        Arguments.of("sibling", ia), // into another spider
        Arguments.of("dir-out/secret.txt", ia), // through a symlinked directory pointing outside
        Arguments.of("sub/deeper/dir-out/inner.txt", ia), // the same two levels down
        Arguments.of("link-git", nf), // a symlinked file pointing into .git
        Arguments.of("sub/link-git", nf),
        Arguments.of("dir-git/config", nf), // through a symlinked directory pointing at .git
        Arguments.of(".git/config", nf),
        Arguments.of(".syncnode/x", nf),
        Arguments.of("sub", nf), // a directory
        Arguments.of("missing.txt", nf),
        Arguments.of("sub/missing/x.txt", nf),
        Arguments.of("ok.txt/x", nf), // a file as a directory
        Arguments.of("../spider2/secret2.txt", ia),
        Arguments.of("sub/../../spider2/secret2.txt", ia),
        Arguments.of("/etc/passwd", ia),
        Arguments.of("", ia));
  }

  @ParameterizedTest(name = "\"{0}\" -> {1}")
  @MethodSource("refused")
  void refusedAfterGoodFilesAsASingleDownloadIs(String path, Set<GrpcStatus> expected) throws Exception {
    GrpcStatus single = grpc.download("spider1", path, 0).status();
    assertTrue(expected.contains(single), path + ": single download " + single);
    for (List<String> paths : List.of(List.of(path), withGood(path, false), withGood(path, true))) {
      for (boolean deflate : new boolean[] {true, false}) {
        RawGrpc.Result<FileData> r = grpc.files("spider1", paths, deflate);
        assertEquals(single, r.status(), paths + ": " + r.message());
        assertFalse(r.message().isBlank(), "the status carries a reason");
        assertNoSecret(r);
        assertFalse(contents(r).containsKey(paths.indexOf(path)), "no data for the refused file");
      }
    }
  }

  static List<String> withGood(String path, boolean trailing) {
    List<String> paths = new ArrayList<>(GOOD);
    paths.add(path);
    if (trailing) {
      paths.add("sub/deeper/leaf.txt");
    }
    return paths;
  }

  @Test
  void entriesReplacedBySymlinksAfterTheScanAreRefused() throws Exception {
    Path s = ws.resolve("swap");
    Trees.write(s, "a.txt", "before\n");
    Trees.write(s, "b.txt", "b\n");
    Trees.write(s, "d/x.txt", "x\n");
    Trees.write(s, ".git/config", SECRET + "-SWAP-GIT\n");
    Set<String> listed = new HashSet<>();
    for (FileScanChunk c : grpc.scan("swap", "").messages()) {
      c.getEntriesList().forEach(e -> listed.add(e.getPath()));
    }
    assertEquals(Set.of("a.txt", "b.txt", "d", "d/x.txt"), listed);
    assertEquals(GrpcStatus.OK, grpc.files("swap", List.of("b.txt", "a.txt", "d/x.txt"), true).status());

    // until the spider watch reports a swap, a small file may still come by its content (the bytes the
    // manifest lists, hashed when they were read): never the link's target. Once it has, the open refuses it.
    changeSeen("swap", () -> {
      Files.delete(s.resolve("a.txt"));
      Files.createSymbolicLink(s.resolve("a.txt"), outside.resolve("secret.txt"));
      assertNoSecret(grpc.files("swap", List.of("b.txt", "a.txt", "d/x.txt"), true));
    });
    RawGrpc.Result<FileData> out = grpc.files("swap", List.of("b.txt", "a.txt", "d/x.txt"), true);
    assertEquals(GrpcStatus.INVALID_ARGUMENT, out.status(), out.message());
    assertNoSecret(out);

    changeSeen("swap", () -> {
      Files.delete(s.resolve("a.txt"));
      Files.createSymbolicLink(s.resolve("a.txt"), Path.of(".git/config"));
      assertNoSecret(grpc.files("swap", List.of("b.txt", "a.txt", "d/x.txt"), true));
    });
    RawGrpc.Result<FileData> git = grpc.files("swap", List.of("b.txt", "a.txt", "d/x.txt"), true);
    assertEquals(GrpcStatus.NOT_FOUND, git.status(), git.message());
    assertNoSecret(git);

    Files.move(s.resolve("d"), tmp.resolve("d-moved"));
    Files.writeString(outside.resolve("x.txt"), SECRET + "-OUTSIDE-X\n");
    Files.createSymbolicLink(s.resolve("d"), outside);
    RawGrpc.Result<FileData> dir = grpc.files("swap", List.of("b.txt", "d/x.txt"), true);
    assertEquals(GrpcStatus.INVALID_ARGUMENT, dir.status(), dir.message());
    assertNoSecret(dir);
  }

  /** A step that may throw. */
  interface Step {
    void run() throws Exception;
  }

  /**
   * Runs {@code change} and waits until the master's spider watch has reported a change of the spider
   * and its content verticle has counted it (it answers a request sent after that report only after it).
   */
  static void changeSeen(String spiderId, Step change) throws Exception {
    Promise<Void> seen = Promise.promise();
    MessageConsumer<String> watch = master.vertx.eventBus().localConsumer(Addresses.SPIDER_CHANGED, m -> {
      if (spiderId.equals(m.body()) || SpiderWatchVerticle.ALL.equals(m.body())) {
        seen.tryComplete();
      }
    });
    Cluster.await(watch.completion());
    change.run();
    Cluster.await(seen.future());
    Cluster.await(watch.unregister());
    Cluster.await(master.vertx.eventBus().request(Addresses.MASTER_SPIDERS, null));
  }
}
