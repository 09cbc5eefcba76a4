package dev.syncnode.master;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.syncnode.config.ConfigHolder;
import dev.syncnode.config.NodeConfig;
import dev.syncnode.delta.BlockIndex;
import dev.syncnode.it.Trees;
import dev.syncnode.master.MasterService.BlockHashRequest;
import dev.syncnode.master.MasterService.FileRequest;
import dev.syncnode.master.MasterService.OpenedFile;
import dev.syncnode.master.MasterService.PieceRequest;
import dev.syncnode.master.content.ContentVerticle;
import dev.syncnode.master.content.PieceReader;
import dev.syncnode.master.scan.ScanCacheVerticle;
import dev.syncnode.master.scan.ScanException;
import dev.syncnode.master.scan.ScanReply;
import dev.syncnode.master.scan.ScanRequest;
import dev.syncnode.master.scan.ScannerVerticle;
import dev.syncnode.master.scan.ServedFile;
import dev.syncnode.metrics.SyncMetrics;
import dev.syncnode.piece.PieceCodec.Codec;
import dev.syncnode.piece.PieceCodec;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link MasterService} over a real event bus (no sockets) with the master's verticles and real files. */
class MasterServiceTest {
  @TempDir Path tmp;
  Path workspace;
  Vertx vertx;
  MasterService master;
  byte[] big;

  @BeforeEach
  void setUp() throws Exception {
    workspace = Files.createDirectories(tmp.resolve("ws"));
    big = Trees.random(42, 3 * PieceReader.PIECE + 17);
    Trees.write(workspace.resolve("s1"), "a.txt", "alpha\n");
    Trees.write(workspace.resolve("s1"), "dir/big.bin", big);
    Trees.write(workspace.resolve("s2"), "x.txt", "x\n");
    Trees.write(workspace.resolve("s1"), ".git/config", "secret\n");
    ConfigHolder config = new ConfigHolder(NodeConfig.defaults()
        .withNode(new NodeConfig.Node(NodeConfig.Role.MASTER, "m", workspace.toString())));
    SyncMetrics metrics = SyncMetrics.standalone();
    vertx = Vertx.vertx();
    await(vertx.deployVerticle(new ScannerVerticle(config, metrics))
        .compose(id -> vertx.deployVerticle(new ScanCacheVerticle(config, metrics)))
        .compose(id -> vertx.deployVerticle(new ContentVerticle(config))));
    master = MasterService.onEventBus(vertx, () -> 30_000);
  }

  @AfterEach
  void tearDown() throws Exception {
    await(vertx.close());
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.await(30, TimeUnit.SECONDS);
  }

  private static ScanException failure(Future<?> f) {
    ExecutionException e = assertThrows(ExecutionException.class, () -> f.toCompletionStage().toCompletableFuture()
        .get(30, TimeUnit.SECONDS));
    return assertInstanceOf(ScanException.class, e.getCause());
  }

  @Test
  void listsSpiders() throws Exception {
    assertEquals(List.of("s1", "s2"), await(master.spiders()).ids());
  }

  @Test
  void scansOnceForManyRequests() throws Exception {
    ScanReply first = await(master.scan(new ScanRequest("s1", "", "grpc")));
    assertEquals(ScanReply.Outcome.SCANNED, first.outcome());
    assertEquals(2L, first.manifest().fileCount());
    assertEquals(ScanReply.Outcome.CACHE_HIT, await(master.scan(new ScanRequest("s1", "", "http"))).outcome());
    assertEquals(ScanException.Kind.NOT_FOUND, failure(master.scan(new ScanRequest("nope", "", "grpc"))).kind());
  }

  @Test
  void aServedFileThatContradictsTheCachedScanDropsIt() throws Exception {
    await(master.scan(new ScanRequest("s1", "", "grpc")));
    Path a = Trees.write(workspace.resolve("s1"), "a.txt", "alpha, longer now\n");
    await(master.served(ServedFile.of("s1", "a.txt", Files.readAttributes(a, BasicFileAttributes.class))));
    assertEquals(ScanReply.Outcome.SCANNED, await(master.scan(new ScanRequest("s1", "", "grpc"))).outcome());
  }

  @Test
  void opensAConfinedFileWithItsHash() throws Exception {
    OpenedFile f = await(master.open(new FileRequest("s1", "dir/big.bin", true)));
    try {
      assertEquals(Trees.sha256(workspace.resolve("s1/dir/big.bin")), f.sha256());
      assertEquals(big.length, f.identity().size());
      assertFalse(f.compressible(), "random bytes do not shrink");
      assertTrue(f.file().channel().isOpen());
    } finally {
      f.close();
    }
    assertEquals(ScanException.Kind.INVALID_ARGUMENT,
        failure(master.open(new FileRequest("s1", "../s2/x.txt", false))).kind());
    assertEquals(ScanException.Kind.NOT_FOUND,
        failure(master.open(new FileRequest("s1", ".git/config", false))).kind());
  }

  @Test
  void readsPiecesOfFilesAndRanges() throws Exception {
    PieceReader reader =
        await(master.pieces(new PieceRequest("s1", List.of("a.txt", "dir/big.bin"), 0, 0, Codec.NONE)));
    ByteArrayOutputStream[] files = {new ByteArrayOutputStream(), new ByteArrayOutputStream()};
    while (!reader.finished()) {
      for (PieceReader.Piece p : await(vertx.executeBlocking(reader::round)).pieces()) {
        files[p.index()].write(p.data());
      }
    }
    assertArrayEquals("alpha\n".getBytes(), files[0].toByteArray());
    assertArrayEquals(big, files[1].toByteArray());

    PieceReader range = await(master.pieces(new PieceRequest("s1", List.of("dir/big.bin"), 10, 100, Codec.NONE)));
    List<PieceReader.Piece> pieces = await(vertx.executeBlocking(range::round)).pieces();
    assertEquals(1, pieces.size());
    assertArrayEquals(java.util.Arrays.copyOfRange(big, 10, 110), pieces.get(0).data());
    assertEquals(ScanException.Kind.INVALID_ARGUMENT,
        failure(master.pieces(new PieceRequest("s1", List.of("a.txt"), -1, 0, Codec.NONE))).kind());
  }

  @Test
  void compressedPiecesRoundTrip() throws Exception {
    byte[] text = "all work and no play makes a dull piece\n".repeat(10_000).getBytes();
    Trees.write(workspace.resolve("s1"), "text.txt", text);
    PieceReader reader = await(master.pieces(new PieceRequest("s1", List.of("text.txt"), 0, 0, Codec.DEFLATE)));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    while (!reader.finished()) {
      for (PieceReader.Piece p : await(vertx.executeBlocking(reader::round)).pieces()) {
        assertEquals(Codec.DEFLATE, p.codec());
        out.write(PieceCodec.decompress(p.codec(), java.nio.ByteBuffer.wrap(p.data()), p.rawSize()));
      }
    }
    assertArrayEquals(text, out.toByteArray());
  }

  @Test
  void blockHashesOfAConfinedFile() throws Exception {
    BlockIndex want = BlockIndex.compute(workspace.resolve("s1/dir/big.bin"), true);
    BlockIndex got = await(master.blockHashes(new BlockHashRequest("s1", "dir/big.bin", () -> false)));
    assertEquals(want.fileHash(), got.fileHash());
    assertEquals(want.groupCount(), got.groupCount());
    assertEquals(ScanException.Kind.NOT_FOUND,
        failure(master.blockHashes(new BlockHashRequest("s1", "missing.bin", () -> false))).kind());
  }
}
