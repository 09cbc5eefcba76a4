package dev.syncnode.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.syncnode.piece.PieceCodec;
import dev.syncnode.proto.Compression;
import dev.syncnode.proto.FileDownloadChunk;
import io.vertx.grpc.common.GrpcStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nodes on a platform where zstd's native library cannot load, for real: {@link NoZstdChild} runs in
 * a child JVM (same {@code java}, the test classpath) started with {@code -Dos.arch=sparc}, for which
 * zstd-jni has no library. There a master and a worker sync a text spider exactly with DEFLATE on the
 * wire, and a worker without zstd syncs the same way from a master with zstd in this JVM. A last test
 * runs the child without the option, to show its zstd check is not vacuous.
 */
class NoZstdPlatformIT {
  /** What makes zstd-jni look for a native library that does not exist. */
  static final List<String> NO_ZSTD_PLATFORM = List.of("-Dos.arch=sparc");
  static final long CHILD_TIMEOUT_SECONDS = 120;

  @TempDir Path tmp;

  /** How a child JVM ended: its exit code and everything it printed. */
  record ChildRun(int exitCode, String output) {}

  @Test
  void withoutZstdAMasterAndAWorkerSyncOverDeflate() throws Exception {
    ChildRun child = runChild(NO_ZSTD_PLATFORM, "local", tmp.resolve("child").toString());
    assertPassed(child);
    // the master's endpoint and the worker's sync verticle both ask; the process says it once
    assertEquals(1, child.output().split("zstd is not available here", -1).length - 1, child.output());
  }

  @Test
  void aWorkerWithoutZstdSyncsOverDeflateFromAMasterWithZstd() throws Exception {
    assumeTrue(PieceCodec.zstdAvailable(), "zstd cannot load in the test JVM either");
    Path workspace = Files.createDirectories(tmp.resolve("master"));
    Path spider = workspace.resolve(NoZstdChild.SPIDER);
    NoZstdChild.writeSpider(spider);
    try (Cluster cluster = new Cluster(workspace, Files.createDirectories(tmp.resolve("worker")));
        RawGrpc grpc = new RawGrpc(cluster.master.grpcPort())) {
      assertEquals(Set.of(Compression.ZSTD), codecs(grpc.download(NoZstdChild.SPIDER, NoZstdChild.LARGE_FILE, 0,
          true, true)), "this master answers zstd to a worker that offers it");
      ChildRun child = runChild(NO_ZSTD_PLATFORM, "worker", tmp.resolve("child").toString(),
          String.valueOf(cluster.master.grpcPort()), spider.toString());
      assertPassed(child);
    }
  }

  @Test
  void theChildFailsWhereZstdLoads() throws Exception {
    assumeTrue(PieceCodec.zstdAvailable(), "zstd cannot load in the test JVM either");
    ChildRun child = runChild(List.of(), "local", tmp.resolve("child").toString());
    assertEquals(1, child.exitCode(), child.output());
    assertTrue(child.output().contains("FAILED: zstd is available in this JVM"), child.output());
  }

  private static Set<Compression> codecs(RawGrpc.Result<FileDownloadChunk> r) {
    assertEquals(GrpcStatus.OK, r.status(), r.message());
    return r.messages().stream().filter(c -> !c.getData().isEmpty()).map(FileDownloadChunk::getCompression)
        .collect(Collectors.toSet());
  }

  private static void assertPassed(ChildRun child) {
    assertEquals(0, child.exitCode(), "the child JVM failed:\n" + child.output());
    assertTrue(child.output().contains(NoZstdChild.PASSED), child.output());
  }

  /**
   * Runs {@link NoZstdChild} with {@code args} in a JVM of this Java installation and classpath,
   * killing it if it outlives {@link #CHILD_TIMEOUT_SECONDS}. Its output goes to a file, so a chatty
   * child cannot block on a full pipe.
   */
  private ChildRun runChild(List<String> jvmOptions, String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("--add-opens=java.base/sun.nio.fs=ALL-UNNAMED"); // as the jar's manifest: files opened safely
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), NoZstdChild.class.getName()));
    command.addAll(List.of(args));
    Path log = Files.createTempFile(tmp, "child-", ".log");
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      if (!process.waitFor(CHILD_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        fail("the child JVM did not finish within " + CHILD_TIMEOUT_SECONDS + " s:\n" + Files.readString(log));
      }
    } finally {
      process.destroyForcibly();
    }
    return new ChildRun(process.exitValue(), Files.readString(log));
  }
}
