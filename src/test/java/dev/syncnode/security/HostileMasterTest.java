package dev.syncnode.security;

import static dev.syncnode.security.FakeMaster.chunk;
import static dev.syncnode.security.FakeMaster.dir;
import static dev.syncnode.security.FakeMaster.file;
import static dev.syncnode.security.FakeMaster.link;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.luben.zstd.Zstd;
import com.google.protobuf.ByteString;
import dev.syncnode.config.NodeConfig;
import dev.syncnode.it.Trees;
import dev.syncnode.proto.Compression;
import dev.syncnode.proto.EntryType;
import dev.syncnode.proto.FileDownloadChunk;
import dev.syncnode.proto.FileDownloadRequest;
import dev.syncnode.proto.FileEntry;
import dev.syncnode.proto.FileScanChunk;
import dev.syncnode.proto.FileScanRequest;
import io.vertx.core.Handler;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.GrpcServerRequest;
import io.vertx.grpc.server.GrpcServerResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A hostile or buggy master, seen from a worker: manifests with escaping, absolute, reserved,
 * duplicate or ambiguous paths, links out of the destination, absurd sizes, bad hashes, broken
 * chunking, streams that stall or never end, bytes that do not match, compressed pieces that are
 * corrupt, bombs, or in a codec the worker did not ask for. Every case must fail the sync with a clear
 * error, write nothing outside the destination, leave the worker's existing copy exactly as it was
 * (compared with {@link Trees#describe} before and after), and leave no part of the failed file in
 * the worker's temp area.
 */
class HostileMasterTest {
  static final byte[] NEW_KEEP = "new content\n".getBytes(StandardCharsets.UTF_8);
  static final byte[] A = "a\n".getBytes(StandardCharsets.UTF_8);
  static final Duration TIMEOUT = Duration.ofMillis(1000);

  @org.junit.jupiter.api.io.TempDir static Path tmp;
  static FakeMaster fake;
  static Nodes.Worker worker;

  /**
   * What the fake master answers, words the worker's error must contain (one of them), and whether the
   * worker runs with {@code sync.compression}.
   */
  record Case(String name, Supplier<Handler<GrpcServerRequest<FileScanRequest, FileScanChunk>>> scan,
      Supplier<Handler<GrpcServerRequest<FileDownloadRequest, FileDownloadChunk>>> download, List<String> expected,
      boolean compression) {
    @Override
    public String toString() {
      return name;
    }
  }

  @BeforeAll
  static void start() throws Exception {
    fake = new FakeMaster();
    worker = new Nodes.Worker(Nodes.withTimeouts(Nodes.worker(fake.address(), ""), TIMEOUT));
    worker.config.set(worker.config.get().withSync(Nodes.sync(worker.config.get().sync(), 2, Duration.ofMillis(5),
        Duration.ofMillis(10), TIMEOUT)));
  }

  @AfterAll
  static void stop() throws Exception {
    worker.close();
    fake.close();
  }

  /** A valid manifest that would change the existing copy (keep.txt), plus {@code extra}. */
  static List<FileEntry> base(FileEntry... extra) {
    List<FileEntry> l = new ArrayList<>(List.of(file("keep.txt", NEW_KEEP), dir("dir"), file("dir/a.txt", A)));
    l.addAll(List.of(extra));
    return l;
  }

  static Case bad(String name, String expected, FileEntry... extra) {
    return new Case(name, () -> FakeMaster.manifest(base(extra)), HostileMasterTest::goodFiles, List.of(expected),
        true);
  }

  static Case scan(String name, Handler<GrpcServerRequest<FileScanRequest, FileScanChunk>> h, String... expected) {
    return new Case(name, () -> h, HostileMasterTest::goodFiles, List.of(expected), true);
  }

  static Case download(String name, Handler<GrpcServerRequest<FileDownloadRequest, FileDownloadChunk>> h,
      String... expected) {
    return new Case(name, () -> FakeMaster.manifest(base()), () -> h, List.of(expected), true);
  }

  /**
   * keep.txt as one piece of {@code data} in {@code compression}, announced as {@code rawSize} bytes,
   * to a worker with or without {@code sync.compression}. The fake checks that the worker accepts that
   * compression exactly when its compression is on, and answers FAILED_PRECONDITION otherwise.
   */
  static Case piece(String name, Compression compression, byte[] data, int rawSize, boolean workerCompression,
      String expected) {
    Handler<GrpcServerRequest<FileDownloadRequest, FileDownloadChunk>> h = req -> req.last().onSuccess(r -> {
      GrpcServerResponse<FileDownloadRequest, FileDownloadChunk> resp = req.response();
      if (r.getPath().equals("dir/a.txt")) {
        resp.end(FileDownloadChunk.newBuilder().setData(ByteString.copyFrom(A)).setSize(A.length).build());
        return;
      }
      boolean accepted = compression == Compression.ZSTD ? r.getAcceptZstd() : r.getAcceptDeflate();
      if (accepted != workerCompression) {
        resp.status(GrpcStatus.FAILED_PRECONDITION).statusMessage("fake master: accept flag for " + compression
            + " is " + accepted).end();
        return;
      }
      resp.end(FileDownloadChunk.newBuilder().setData(ByteString.copyFrom(data)).setSize(NEW_KEEP.length)
          .setCompression(compression).setRawSize(rawSize).build());
    });
    return new Case(name, () -> FakeMaster.manifest(base()), () -> h, List.of(expected), workerCompression);
  }

  static byte[] flipped(byte[] b, int at) {
    byte[] out = b.clone();
    out[at] ^= 1;
    return out;
  }

  static Handler<GrpcServerRequest<FileDownloadRequest, FileDownloadChunk>> goodFiles() {
    return FakeMaster.files(Map.of("keep.txt", NEW_KEEP, "dir/a.txt", A));
  }

  static FileEntry sized(String path, long size) {
    return file(path, A).toBuilder().setSize(size).build();
  }

  static FileEntry hashed(String path, String hash) {
    return file(path, A).toBuilder().setHash(hash).build();
  }

  static List<Case> cases() {
    String abs = tmp.resolve("outside-abs.txt").toString();
    List<Case> c = new ArrayList<>(List.of(
        bad("escaping path", "escapes", file("../escape.txt", A)),
        bad("escaping path below a dir", "escapes", file("dir/../../escape.txt", A)),
        bad("absolute path", "absolute", file(abs, A)),
        bad("backslash traversal", "illegal character", file("..\\escape.txt", A)),
        bad("NUL in a path", "illegal character", file("keep.txt\0.x", A)),
        bad("newline in a path", "illegal character", file("a\nb", A)),
        bad("empty path", "empty path", file("", A)),
        bad("dot path", "not normalised", dir(".")),
        bad("double slash", "not normalised", file("dir//b.txt", A)),
        bad("dot segment", "not normalised", file("./other.txt", A)),
        bad("trailing slash", "not normalised", dir("dir2/")),
        bad("drive path", "drive path", file("C:/evil.txt", A)),
        bad("path in the reserved area", "reserved", file(".syncnode/tmp/evil.part", A)),
        bad("the reserved directory itself", "reserved", dir(".syncnode")),
        bad("over-long path", "too long", file("p".repeat(5000), A)),
        bad("duplicate path", "duplicate", file("keep.txt", A)),
        bad("file and directory at one path", "duplicate", file("x", A), dir("x")),
        bad("child of a file", "parent directory", file("keep.txt/child", A)),
        bad("child without its directory", "parent directory", file("nodir/x.txt", A)),
        bad("child under a symlink", "parent directory", link("ln", "dir"), file("ln/x.txt", A)),
        bad("symlink escaping", "points outside", link("ln", "../../outside")),
        bad("absolute symlink", "points outside", link("ln", "/etc")),
        bad("symlink with a backslash", "points outside", link("ln", "..\\x")),
        bad("symlink target not normalised", "points outside", link("dir/ln", "../dir/./a.txt")),
        bad("empty symlink target", "points outside", link("ln", "")),
        bad("negative size", "absurd size", sized("big.bin", -1)),
        bad("absurd size", "absurd size", sized("big.bin", 1L << 62)),
        bad("hash not hex", "sha-256", hashed("h.txt", "zz".repeat(32))),
        bad("missing hash", "sha-256", hashed("h.txt", "")),
        bad("upper-case hash", "sha-256", hashed("h.txt", FakeMaster.sha256(A).toUpperCase(Locale.ROOT))),
        bad("bad mode bits", "bad mode", file("m.txt", A).toBuilder().setMode(0170000).build()),
        bad("unspecified entry type", "entry type", file("t.txt", A).toBuilder()
            .setType(EntryType.ENTRY_TYPE_UNSPECIFIED).build()),
        bad("unknown entry type number", "entry type", file("t.txt", A).toBuilder().setTypeValue(42).build()),
        scan("absurd entry count announced", req -> req.last().onSuccess(r ->
            req.response().end(chunk(List.of(), 2_000_000, true))), "too large"),
        scan("more entries than announced", req -> req.last().onSuccess(r ->
            req.response().end(chunk(base(), 1, true))), "more entries"),
        scan("fewer entries than announced", req -> req.last().onSuccess(r ->
            req.response().end(chunk(base(), 10, true))), "announced"),
        scan("digest changes between chunks", req -> req.last().onSuccess(r -> {
          req.response().write(chunk(base().subList(0, 1), 3, false));
          req.response().end(chunk(base().subList(1, 3), 3, true).toBuilder().setDigest("other").build());
        }), "changed between chunks"),
        scan("stream ends without its last chunk", req -> req.last().onSuccess(r ->
            req.response().end(chunk(base(), 3, false))), "without its last chunk"),
        scan("chunk after the last chunk", req -> req.last().onSuccess(r -> {
          req.response().write(chunk(base(), 3, true));
          req.response().end(chunk(List.of(file("late.txt", A)), 3, true));
        }), "after the last chunk"),
        scan("scan that stalls", req -> { }, "within"),
        scan("scan that never ends", req -> req.last().onSuccess(r ->
            endless(req.response(), () -> chunk(List.of(), 3, false))), "within"),
        scan("scan error status", req -> req.response().status(GrpcStatus.INTERNAL).statusMessage("boom").end(),
            "INTERNAL"),
        scan("unknown spider", req -> req.response().status(GrpcStatus.NOT_FOUND).statusMessage("unknown spider")
            .end(), "NOT_FOUND"),
        scan("status message with percent signs", req -> req.response().status(GrpcStatus.NOT_FOUND)
            .statusMessage("no such entry: %/%00%2f 100%").end(), "no such entry: %/%00%2f 100%"),
        scan("malformed status message encoding", req -> {
          req.response().trailers().set("grpc-message", "bad %zz%");
          req.response().status(GrpcStatus.NOT_FOUND).end();
        }, "NOT_FOUND"),
        scan("oversized message", req -> req.last().onSuccess(r -> req.response().end(
            chunk(List.of(link("big", "x".repeat(5 * 1024 * 1024))), 1, true))), "more than the limit"),
        download("wrong hash", FakeMaster.files(Map.of("keep.txt", "evil content".getBytes(StandardCharsets.UTF_8),
            "dir/a.txt", A)), "hash mismatch"),
        download("more bytes than the size", FakeMaster.files(Map.of("keep.txt",
            "new content\n and more".getBytes(StandardCharsets.UTF_8), "dir/a.txt", A)), "more than the manifest size"),
        download("bytes that never end", req -> req.last().onSuccess(r -> {
          long[] off = {r.getOffset()};
          endless(req.response(), () -> {
            FileDownloadChunk ch = FileDownloadChunk.newBuilder().setData(ByteString.copyFrom(new byte[4096]))
                .setOffset(off[0]).setSize(12).build();
            off[0] += 4096;
            return ch;
          });
        }), "more than the manifest size"),
        download("download that stalls", req -> { }, "within"),
        download("short download", FakeMaster.files(Map.of("keep.txt", "new".getBytes(StandardCharsets.UTF_8),
            "dir/a.txt", A)), "hash mismatch"),
        download("chunk at a wrong offset", req -> req.last().onSuccess(r -> req.response().end(
            FileDownloadChunk.newBuilder().setData(ByteString.copyFrom(NEW_KEEP)).setOffset(r.getOffset() + 5)
                .setSize(NEW_KEEP.length).build())), "offset"),
        download("download error status", req -> req.response().status(GrpcStatus.NOT_FOUND)
            .statusMessage("gone").end(), "NOT_FOUND"),
        download("oversized chunk", req -> req.last().onSuccess(r -> req.response().end(
            FileDownloadChunk.newBuilder().setData(ByteString.copyFrom(new byte[5 * 1024 * 1024])).setOffset(0)
                .setSize(12).build())), "more than the limit"),
        piece("corrupt zstd piece", Compression.ZSTD, flipped(Zstd.compress(NEW_KEEP), 0), NEW_KEEP.length, true,
            "bad compressed piece"),
        piece("cut zstd piece", Compression.ZSTD, Arrays.copyOf(Zstd.compress(NEW_KEEP), 8), NEW_KEEP.length, true,
            "bad compressed piece"),
        piece("zstd bomb", Compression.ZSTD, Zstd.compress(new byte[1024 * 1024]), NEW_KEEP.length, true,
            "bad compressed piece"),
        piece("zstd piece not asked for", Compression.ZSTD, Zstd.compress(NEW_KEEP), NEW_KEEP.length, false,
            "not asked for"),
        piece("corrupt deflate piece", Compression.DEFLATE, new byte[] {1, 2, 3, 4, 5}, NEW_KEEP.length, true,
            "bad compressed piece"),
        piece("deflate piece not asked for", Compression.DEFLATE, deflated(NEW_KEEP), NEW_KEEP.length, false,
            "not asked for")));
    return c;
  }

  /**
   * Writes messages until the client goes away, honouring back-pressure. Works in batches and
   * yields the event loop between them, so a closed connection (whose writes fail without the queue
   * ever filling) is noticed and the fake stays responsive.
   */
  static <T> void endless(io.vertx.core.streams.WriteStream<T> out, Supplier<T> next) {
    boolean[] stop = {false};
    out.exceptionHandler(e -> stop[0] = true);
    io.vertx.core.Context ctx = io.vertx.core.Vertx.currentContext();
    Runnable[] pump = new Runnable[1];
    pump[0] = () -> {
      try {
        for (int i = 0; i < 16 && !stop[0] && !out.writeQueueFull(); i++) {
          out.write(next.get()).onFailure(e -> stop[0] = true);
        }
        if (stop[0]) {
          return;
        }
        if (out.writeQueueFull()) {
          out.drainHandler(v -> pump[0].run());
        } else {
          ctx.runOnContext(v -> pump[0].run());
        }
      } catch (RuntimeException closed) {
        stop[0] = true;
      }
    };
    pump[0].run();
  }

  static Stream<Arguments> table() {
    return cases().stream().map(Arguments::of);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("table")
  void hostileMaster(Case c) throws Exception {
    Path caseDir = Files.createTempDirectory(tmp, "case");
    Path dest = oldCopy(caseDir);
    Trees.write(caseDir, "outside/sentinel.txt", "sentinel\n");
    Map<String, String> before = Trees.describe(tmp, rel -> !rel.contains(".syncnode"));

    NodeConfig config = worker.config.get();
    worker.config.set(config.withSync(config.sync().withTransfer(config.sync().parallelDownloads(), c.compression)));
    fake.scan = c.scan.get();
    fake.download = c.download.get();
    String error = worker.failure("spider1", dest);

    assertTrue(c.expected.stream().anyMatch(w -> error.toLowerCase(Locale.ROOT).contains(w.toLowerCase(Locale.ROOT))),
        c + ": unclear error: " + error);
    assertEquals(before, Trees.describe(tmp, rel -> !rel.contains(".syncnode")),
        c + ": something changed outside the worker's temp area");
    assertEquals("old content\n", Files.readString(dest.resolve("keep.txt")));
    assertEquals(List.of(), partsOfKeep(dest), c + ": part of the failed file left in the temp area");
  }

  /** {@code caseDir/dest} holding an old copy: keep.txt and dir/a.txt. */
  static Path oldCopy(Path caseDir) throws Exception {
    Path dest = caseDir.resolve("dest");
    Trees.write(dest, "keep.txt", "old content\n");
    Trees.write(dest, "dir/a.txt", "a\n");
    return dest;
  }

  /** Temp files of the new keep.txt anywhere in the worker's reserved area. */
  static List<Path> partsOfKeep(Path dest) throws Exception {
    Path reserved = dest.resolve(".syncnode");
    if (!Files.exists(reserved)) {
      return List.of();
    }
    String hash = FakeMaster.sha256(NEW_KEEP);
    try (Stream<Path> all = Files.walk(reserved)) {
      return all.filter(p -> p.getFileName().toString().startsWith(hash)).collect(Collectors.toList());
    }
  }

  /** Raw DEFLATE of {@code b}, as a master would send it. */
  static byte[] deflated(byte[] b) {
    java.util.zip.Deflater d = new java.util.zip.Deflater(1, true);
    d.setInput(b);
    d.finish();
    byte[] out = new byte[b.length + 64];
    int n = d.deflate(out);
    d.end();
    return Arrays.copyOf(out, n);
  }
}
