package dev.syncnode.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.syncnode.piece.PieceCodec;
import dev.syncnode.proto.Compression;
import dev.syncnode.proto.FileData;
import dev.syncnode.proto.FileDownloadChunk;
import io.vertx.grpc.common.GrpcStatus;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Piece compression as negotiated by the master over real gRPC, for the bulk call and for whole-file
 * and ranged downloads: zstd when the request accepts it, else DEFLATE when it accepts that, else
 * none; random data and known compressed formats always raw. Every piece is decompressed and the
 * content compared. One master for the class, so its piece cache holds pieces of several codecs: the
 * table alternates them to catch a piece served in a codec it was not compressed with.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CompressionNegotiationIT {
  static final List<String> FILES = List.of("text.py", "noise.bin", "small.py", "archive.gz", "empty.py");

  @TempDir static Path tmp;
  Path spider;
  Cluster cluster;
  RawGrpc grpc;

  @BeforeAll
  void setUp() throws Exception {
    Path workspace = Files.createDirectories(tmp.resolve("master"));
    spider = workspace.resolve("s1");
    String text = TransferEfficiencyTest.python(1, 600_000).substring(0, 600_000); // five pieces, the last one long
    Trees.write(spider, "text.py", text);
    Trees.write(spider, "small.py", text.substring(0, 2000));
    Trees.write(spider, "archive.gz", text.substring(0, 300_000)); // a compressed name: never compressed again
    Trees.write(spider, "empty.py", "");
    byte[] noise = new byte[300_000];
    new Random(2).nextBytes(noise);
    Trees.write(spider, "noise.bin", noise);
    cluster = new Cluster(workspace, Files.createDirectories(tmp.resolve("worker")));
    grpc = new RawGrpc(cluster.master.grpcPort());
  }

  @AfterAll
  void tearDown() throws Exception {
    grpc.close();
    cluster.close();
  }

  /** One file as received: the compression of each non-empty piece, its bytes on the wire, its content. */
  static final class Got {
    final Set<Compression> codecs = EnumSet.noneOf(Compression.class);
    final ByteArrayOutputStream content = new ByteArrayOutputStream();
    long wire;

    void add(Compression c, ByteString data, int rawSize) {
      if (data.isEmpty()) {
        return;
      }
      codecs.add(c);
      wire += data.size();
      content.writeBytes(c == Compression.NONE ? data.toByteArray()
          : PieceCodec.decompress(PieceCodec.Codec.valueOf(c.name()), data.asReadOnlyByteBuffer(), rawSize));
    }
  }

  static Stream<Arguments> offers() {
    return Stream.of(
        Arguments.of(true, true, Compression.ZSTD),
        Arguments.of(false, true, Compression.DEFLATE),
        Arguments.of(true, false, Compression.ZSTD),
        Arguments.of(false, false, Compression.NONE),
        Arguments.of(false, true, Compression.DEFLATE));
  }

  @ParameterizedTest(name = "accept zstd {0}, deflate {1} -> {2}")
  @MethodSource("offers")
  void textComesInTheNegotiatedCodecAndIncompressibleDataRaw(boolean zstd, boolean deflate, Compression expected)
      throws Exception {
    RawGrpc.Result<FileData> bulk = grpc.files("s1", FILES, zstd, deflate);
    assertEquals(GrpcStatus.OK, bulk.status(), bulk.message());
    Map<Integer, Got> byIndex = new TreeMap<>();
    for (FileData d : bulk.messages()) {
      byIndex.computeIfAbsent(d.getIndex(), i -> new Got()).add(d.getCompression(), d.getData(), d.getRawSize());
    }
    for (int i = 0; i < FILES.size(); i++) {
      check("StreamFiles", FILES.get(i), 0, byIndex.get(i), expected);
    }
    for (String file : FILES) {
      check("StreamFileDownload", file, 0, download(file, 0, zstd, deflate), expected);
    }
    check("StreamFileDownload from an offset", "text.py", 200_001, download("text.py", 200_001, zstd, deflate),
        expected);
  }

  private Got download(String file, long offset, boolean zstd, boolean deflate) throws Exception {
    RawGrpc.Result<FileDownloadChunk> r = grpc.download("s1", file, offset, zstd, deflate);
    assertEquals(GrpcStatus.OK, r.status(), r.message());
    Got got = new Got();
    r.messages().forEach(c -> got.add(c.getCompression(), c.getData(), c.getRawSize()));
    return got;
  }

  private void check(String call, String file, int offset, Got got, Compression expected) throws Exception {
    byte[] want = Files.readAllBytes(spider.resolve(file));
    String what = call + " " + file;
    assertArrayEquals(Arrays.copyOfRange(want, offset, want.length), got.content.toByteArray(), what);
    Set<Compression> codecs = want.length == 0 ? Set.of()
        : file.endsWith(".py") ? Set.of(expected) : Set.of(Compression.NONE);
    assertEquals(codecs, got.codecs, what);
    if (codecs.contains(Compression.ZSTD) || codecs.contains(Compression.DEFLATE)) {
      assertTrue(got.wire < (want.length - offset) / 2, what + " sent as " + got.wire + " bytes");
    }
  }
}
