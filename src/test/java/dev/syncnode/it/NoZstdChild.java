package dev.syncnode.it;

import dev.syncnode.piece.PieceCodec;
import dev.syncnode.proto.Compression;
import dev.syncnode.proto.FileData;
import dev.syncnode.proto.FileDownloadChunk;
import dev.syncnode.worker.SyncReport;
import io.vertx.grpc.common.GrpcStatus;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The child JVM of {@link NoZstdPlatformIT}. Started with {@code -Dos.arch=sparc}, zstd-jni finds no
 * native library for the platform, so this process is a genuine node without zstd; it checks that
 * {@link PieceCodec} knows it and that syncs still work, with DEFLATE on the wire. Prints
 * {@value #PASSED} and exits 0 when every check holds, else prints {@code FAILED: <reason>} and exits
 * 1 (2 on an unexpected error).
 *
 * <p>Modes, each with a fresh work directory:
 * <ul>
 *   <li>{@code local <workDir>}: a master and a worker, both in this JVM;</li>
 *   <li>{@code worker <workDir> <masterGrpcPort> <spiderDir>}: a worker alone, syncing spider
 *       {@value #SPIDER} from a master in another JVM, whose copy of the spider is {@code spiderDir}.</li>
 * </ul>
 */
public final class NoZstdChild {
  static final String SPIDER = "s1";
  static final String PASSED = "NoZstdChild: all checks passed";
  /** At least {@code Downloads.LARGE}: downloaded alone ({@code StreamFileDownload}), not in bulk. */
  static final String LARGE_FILE = "spider.py";

  private NoZstdChild() {}

  /** A check that did not hold; its message is the reason printed. */
  static final class CheckFailed extends Exception {
    CheckFailed(String reason) {
      super(reason);
    }
  }

  public static void main(String[] args) {
    int code;
    try {
      run(args);
      System.out.println(PASSED);
      code = 0;
    } catch (CheckFailed e) {
      System.out.println("FAILED: " + e.getMessage());
      code = 1;
    } catch (Throwable t) {
      System.out.println("FAILED with an unexpected error:");
      t.printStackTrace(System.out);
      code = 2;
    }
    System.out.flush();
    System.exit(code);
  }

  static void run(String[] args) throws Exception {
    check(args.length == 2 && args[0].equals("local") || args.length == 4 && args[0].equals("worker"),
        "usage: local <workDir> | worker <workDir> <masterGrpcPort> <spiderDir>, not " + Arrays.toString(args));
    noZstdHere();
    Path work = Path.of(args[1]);
    if (args[0].equals("local")) {
      masterAndWorkerHere(work);
    } else {
      workerHere(work, Integer.parseInt(args[2]), Path.of(args[3]));
    }
  }

  /** zstd-jni did not load here, so even a request that prefers zstd gets DEFLATE. */
  static void noZstdHere() throws CheckFailed {
    check(!PieceCodec.zstdAvailable(), "zstd is available in this JVM (os.arch=" + System.getProperty("os.arch")
        + "): run it with -Dos.arch=sparc");
    PieceCodec.Codec codec = PieceCodec.negotiate(true, true);
    check(codec == PieceCodec.Codec.DEFLATE, "negotiate(true, true) gave " + codec + ", not DEFLATE");
  }

  /** Master and worker in this JVM, the worker's gRPC going through a {@link CodecTap}. */
  static void masterAndWorkerHere(Path work) throws Exception {
    Path workspace = Files.createDirectories(work.resolve("master"));
    Path spider = workspace.resolve(SPIDER);
    writeSpider(spider);
    try (Cluster cluster = new Cluster(workspace, Files.createDirectories(work.resolve("worker")));
        CodecTap tap = new CodecTap(cluster.master.grpcPort())) {
      cluster.pointWorkerAt(tap.address(), cluster.masterHttpUrl());
      Path dest = work.resolve("dest");
      checkSynced(cluster.sync(SPIDER, dest), spider, dest, tap);
      masterAnswersDeflate(cluster.master.grpcPort(), spider);
    }
  }

  /** A worker in this JVM, syncing from a master elsewhere through a {@link CodecTap}. */
  static void workerHere(Path work, int masterGrpcPort, Path spider) throws Exception {
    try (CodecTap tap = new CodecTap(masterGrpcPort);
        WorkerNode worker = new WorkerNode(Files.createDirectories(work.resolve("worker")), tap.address(),
            c -> c)) {
      Path dest = work.resolve("dest");
      checkSynced(worker.sync(SPIDER, dest), spider, dest, tap);
    }
  }

  /**
   * The copy is exact and came over gRPC; the worker asked for both the bulk and the whole-file call,
   * offering DEFLATE and not zstd each time; every piece came back DEFLATE-compressed, and the payload
   * shrank accordingly.
   */
  static void checkSynced(SyncReport report, Path spider, Path dest, CodecTap tap) throws Exception {
    check("grpc".equals(report.transport()), "the sync used " + report.transport() + ", not gRPC");
    Map<String, String> want = Trees.describe(spider);
    Map<String, String> got = Trees.describe(dest);
    check(want.equals(got), "the copy differs from the spider:\n  spider " + want + "\n  copy   " + got);
    Set<CodecTap.Offer> offers = tap.offers();
    Set<String> calls = offers.stream().map(CodecTap.Offer::call).collect(Collectors.toSet());
    check(calls.equals(Set.of("StreamFiles", "StreamFileDownload")),
        "transfer calls made: " + calls + " (expected the bulk and the whole-file call)");
    check(offers.stream().allMatch(o -> o.deflate() && !o.zstd()),
        "the worker offered " + offers + " (expected DEFLATE without zstd)");
    Map<Compression, Long> pieces = tap.pieces();
    check(pieces.keySet().equals(Set.of(Compression.DEFLATE)),
        "pieces on the wire by compression: " + pieces + " (expected DEFLATE only)");
    long raw = rawBytes(spider);
    check(report.bytes() < raw / 2, "received " + report.bytes() + " bytes for " + raw + " of text");
    System.out.println("synced " + report.files() + " files, " + report.bytes() + " bytes for " + raw
        + "; offers " + offers + "; pieces " + pieces);
  }

  /**
   * Asked directly, as a worker with zstd would ask, for every file in bulk and for the large one
   * alone, accepting zstd and DEFLATE: the master here answers DEFLATE, and the pieces inflate to the
   * files.
   */
  static void masterAnswersDeflate(int masterGrpcPort, Path spider) throws Exception {
    List<String> files = files(spider);
    try (RawGrpc grpc = new RawGrpc(masterGrpcPort)) {
      RawGrpc.Result<FileData> bulk = grpc.files(SPIDER, files, true, true);
      check(bulk.status() == GrpcStatus.OK, "StreamFiles: " + bulk.status() + " " + bulk.message());
      Map<Integer, ByteArrayOutputStream> content = new TreeMap<>();
      for (FileData d : bulk.messages()) {
        content.computeIfAbsent(d.getIndex(), i -> new ByteArrayOutputStream())
            .writeBytes(deflated("StreamFiles " + files.get(d.getIndex()), d.getCompression(), d.getData(),
                d.getRawSize()));
      }
      for (int i = 0; i < files.size(); i++) {
        ByteArrayOutputStream got = content.getOrDefault(i, new ByteArrayOutputStream());
        check(Arrays.equals(Files.readAllBytes(spider.resolve(files.get(i))), got.toByteArray()),
            "StreamFiles: " + files.get(i) + " differs");
      }
      RawGrpc.Result<FileDownloadChunk> whole = grpc.download(SPIDER, LARGE_FILE, 0, true, true);
      check(whole.status() == GrpcStatus.OK, "StreamFileDownload: " + whole.status() + " " + whole.message());
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      for (FileDownloadChunk c : whole.messages()) {
        got.writeBytes(deflated("StreamFileDownload " + LARGE_FILE, c.getCompression(), c.getData(), c.getRawSize()));
      }
      check(Arrays.equals(Files.readAllBytes(spider.resolve(LARGE_FILE)), got.toByteArray()),
          "StreamFileDownload: " + LARGE_FILE + " differs");
    }
  }

  /** The content of a piece that must be DEFLATE-compressed (or empty). */
  private static byte[] deflated(String what, Compression codec, com.google.protobuf.ByteString data, int rawSize)
      throws CheckFailed {
    if (data.isEmpty()) {
      return new byte[0];
    }
    check(codec == Compression.DEFLATE, what + ": a piece came " + codec + ", not DEFLATE");
    return PieceCodec.decompress(PieceCodec.Codec.DEFLATE, data.asReadOnlyByteBuffer(), rawSize);
  }

  /** A compressible spider: Python sources in bulk-sized files and one large enough to go alone. */
  static void writeSpider(Path spider) throws Exception {
    Trees.write(spider, LARGE_FILE, TransferEfficiencyTest.python(1, 1_300_000));
    for (int i = 1; i <= 6; i++) {
      Trees.write(spider, "items/module_" + i + ".py", TransferEfficiencyTest.python(10 + i, 40_000 * i));
    }
    Trees.write(spider, "README.txt", "Quotes spider: crawls quotes and yields one item per quote.\n".repeat(50));
  }

  /** The spider's regular files, relative, sorted. */
  static List<String> files(Path spider) throws Exception {
    try (Stream<Path> s = Files.walk(spider)) {
      return s.filter(Files::isRegularFile).map(p -> spider.relativize(p).toString()).sorted().toList();
    }
  }

  private static long rawBytes(Path spider) throws Exception {
    long n = 0;
    for (String f : files(spider)) {
      n += Files.size(spider.resolve(f));
    }
    return n;
  }

  private static void check(boolean ok, String reason) throws CheckFailed {
    if (!ok) {
      throw new CheckFailed(reason);
    }
  }
}
