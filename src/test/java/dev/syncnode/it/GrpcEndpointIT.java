package dev.syncnode.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.syncnode.manifest.EntryType;
import dev.syncnode.manifest.FileEntry;
import dev.syncnode.manifest.Manifest;
import dev.syncnode.proto.FileDownloadChunk;
import dev.syncnode.proto.FileScanChunk;
import io.vertx.grpc.common.GrpcStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The master's gRPC contract, driven by a plain gRPC client: status codes, confinement, chunking.
 * One master for the class (these calls do not change it); chunk size 100.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GrpcEndpointIT {
  static final String EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

  @TempDir static Path tmp;
  Path workspace;
  Cluster cluster;
  RawGrpc grpc;
  byte[] big;

  @BeforeAll
  void setUp() throws Exception {
    Workspaces dirs = Workspaces.withSampleSpider(tmp);
    workspace = dirs.workspace();
    Path spider = dirs.spider();
    big = Trees.random(1, 300 * 1024 + 7);
    Trees.write(spider, "big.bin", big);

    Path outside = Files.createDirectories(tmp.resolve("outside"));
    Files.writeString(outside.resolve("secret.txt"), "secret");
    Trees.write(workspace, "other-spider/private.txt", "other spider's file");
    Files.createSymbolicLink(spider.resolve("evil-abs"), outside.resolve("secret.txt"));
    Files.createSymbolicLink(spider.resolve("evil-rel"), Path.of("../../outside/secret.txt"));
    Files.createSymbolicLink(spider.resolve("evil-dir"), outside);
    Files.createSymbolicLink(spider.resolve("to-other"), Path.of("../other-spider"));
    Files.createSymbolicLink(spider.resolve("link-to-git"), Path.of(".git"));

    Path many = workspace.resolve("many");
    for (int i = 0; i < 250; i++) {
      Trees.write(many, String.format("f%03d.txt", i), "file " + i);
    }
    Path two = workspace.resolve("two-hundred");
    for (int i = 0; i < 200; i++) {
      Trees.write(two, String.format("f%03d.txt", i), "file " + i);
    }
    Files.createDirectories(workspace.resolve("empty"));
    Files.createSymbolicLink(workspace.resolve("linked-spider"), spider);

    cluster = dirs.start(Tweaks.chunkSize(100));
    grpc = new RawGrpc(cluster.master.grpcPort());
  }

  @AfterAll
  void tearDown() throws Exception {
    grpc.close();
    cluster.close();
  }

  // ---- status codes ----

  @Test
  void unknownSpiderIsNotFound() throws Exception {
    RawGrpc.Result<FileScanChunk> scan = grpc.scan("no-such-spider", "");
    assertEquals(GrpcStatus.NOT_FOUND, scan.status());
    assertTrue(scan.messages().isEmpty());
    assertTrue(scan.message().contains("no-such-spider"), scan.message());
    assertEquals(GrpcStatus.NOT_FOUND, grpc.download("no-such-spider", "main.py", 0).status());
  }

  @Test
  void failuresAreNotCached() throws Exception {
    assertEquals(GrpcStatus.NOT_FOUND, grpc.scan("late-spider", "").status());
    Trees.write(workspace, "late-spider/a.txt", "now it exists");
    RawGrpc.Result<FileScanChunk> r = grpc.scan("late-spider", "");
    assertEquals(GrpcStatus.OK, r.status(), "the NOT_FOUND was not cached (TTL is 60 s)");
    assertEquals(1, r.messages().get(0).getTotal());
  }

  @Test
  void unknownFileOrSubdirectoryIsNotFound() throws Exception {
    assertEquals(GrpcStatus.NOT_FOUND, grpc.download("spider1", "nope.py", 0).status());
    assertEquals(GrpcStatus.NOT_FOUND, grpc.download("spider1", "pkg", 0).status(), "a directory is no file");
    assertEquals(GrpcStatus.NOT_FOUND, grpc.scan("spider1", "no/such/dir").status());
  }

  @ParameterizedTest
  @ValueSource(strings = {"..", ".", "a/b", "", "../spider1", "spider1/..", "/etc", "a\\b", "sp ider", "a\0b"})
  void badSpiderIdIsInvalidArgument(String id) throws Exception {
    RawGrpc.Result<FileScanChunk> scan = grpc.scan(id, "");
    assertEquals(GrpcStatus.INVALID_ARGUMENT, scan.status(), scan.message());
    assertTrue(scan.messages().isEmpty());
    assertEquals(GrpcStatus.INVALID_ARGUMENT, grpc.download(id, "main.py", 0).status());
  }

  @ParameterizedTest
  @ValueSource(strings = {"../x", "/etc/passwd", "a/../../x", "..", "../other-spider/private.txt",
      "../../outside/secret.txt", "pkg/../main.py", "..\\main.py", "main.py\0.txt", "pkg/\nmod.py"})
  void escapingDownloadPathIsInvalidArgument(String path) throws Exception {
    RawGrpc.Result<FileDownloadChunk> r = grpc.download("spider1", path, 0);
    assertEquals(GrpcStatus.INVALID_ARGUMENT, r.status(), r.message());
    assertEquals(0, RawGrpc.bytes(r).length);
  }

  @ParameterizedTest
  @ValueSource(strings = {"../", "/etc", "pkg/../..", "../other-spider"})
  void escapingScanPathIsInvalidArgument(String path) throws Exception {
    RawGrpc.Result<FileScanChunk> r = grpc.scan("spider1", path);
    assertEquals(GrpcStatus.INVALID_ARGUMENT, r.status(), r.message());
    assertTrue(r.messages().isEmpty());
  }

  @ParameterizedTest
  @ValueSource(strings = {"evil-abs", "evil-rel", "evil-dir/secret.txt", "to-other/private.txt"})
  void symlinkLeadingOutsideCannotBeDownloaded(String path) throws Exception {
    RawGrpc.Result<FileDownloadChunk> r = grpc.download("spider1", path, 0);
    assertFalse(r.status() == GrpcStatus.OK, path + " was served");
    assertEquals(0, RawGrpc.bytes(r).length);
    assertEquals(GrpcStatus.INVALID_ARGUMENT, r.status(), r.message());
  }

  @Test
  void symlinkedSpiderRootIsNotServed() throws Exception {
    assertEquals(GrpcStatus.NOT_FOUND, grpc.scan("linked-spider", "").status());
    assertEquals(GrpcStatus.NOT_FOUND, grpc.download("linked-spider", "main.py", 0).status());
  }

  @ParameterizedTest
  @ValueSource(strings = {".git/HEAD", "node_modules/left-pad/index.js", "pkg/stale.pyc",
      "pkg/__pycache__/x.cpython-311.pyc", "link-to-git/HEAD"})
  void ignoredFilesAreNotServed(String path) throws Exception {
    RawGrpc.Result<FileDownloadChunk> r = grpc.download("spider1", path, 0);
    assertEquals(GrpcStatus.NOT_FOUND, r.status(), path + ": " + r.message());
    assertEquals(0, RawGrpc.bytes(r).length);
  }

  @Test
  void outsideLinksAreNotListedEither() throws Exception {
    List<FileEntry> entries = entries(grpc.scan("spider1", "").messages());
    Set<String> paths = new HashSet<>();
    entries.forEach(e -> paths.add(e.path()));
    assertFalse(paths.contains("evil-abs") || paths.contains("evil-rel") || paths.contains("evil-dir")
        || paths.contains("to-other"), paths.toString());
    assertTrue(paths.contains("link-to-main.py"));
    assertFalse(paths.stream().anyMatch(p -> p.startsWith(".git")), paths.toString());
  }

  // ---- downloads ----

  @Test
  void downloadStreamsInChunksWithOffsetsAndSize() throws Exception {
    RawGrpc.Result<FileDownloadChunk> r = grpc.download("spider1", "big.bin", 0);
    assertEquals(GrpcStatus.OK, r.status());
    assertArrayEquals(big, RawGrpc.bytes(r));
    assertTrue(r.messages().size() >= 3, "streamed in chunks, not one message: " + r.messages().size());
    long expectedOffset = 0;
    for (FileDownloadChunk c : r.messages()) {
      assertEquals(expectedOffset, c.getOffset());
      assertEquals(big.length, c.getSize());
      expectedOffset += c.getData().size();
    }
  }

  @Test
  void downloadFromAnOffsetAndBadOffsets() throws Exception {
    RawGrpc.Result<FileDownloadChunk> tail = grpc.download("spider1", "big.bin", 200_000);
    assertEquals(GrpcStatus.OK, tail.status());
    assertArrayEquals(java.util.Arrays.copyOfRange(big, 200_000, big.length), RawGrpc.bytes(tail));
    assertEquals(200_000, tail.messages().get(0).getOffset());

    RawGrpc.Result<FileDownloadChunk> atEnd = grpc.download("spider1", "big.bin", big.length);
    assertEquals(GrpcStatus.OK, atEnd.status());
    assertEquals(0, RawGrpc.bytes(atEnd).length);

    assertEquals(GrpcStatus.INVALID_ARGUMENT, grpc.download("spider1", "big.bin", -1).status());
    assertEquals(GrpcStatus.INVALID_ARGUMENT, grpc.download("spider1", "big.bin", big.length + 1L).status());
  }

  @Test
  void emptyFileIsOneEmptyChunk() throws Exception {
    RawGrpc.Result<FileDownloadChunk> r = grpc.download("spider1", "pkg/__init__.py", 0);
    assertEquals(GrpcStatus.OK, r.status());
    assertEquals(0, RawGrpc.bytes(r).length);
  }

  // ---- manifest chunking ----

  static List<FileEntry> entries(List<FileScanChunk> chunks) {
    List<FileEntry> out = new ArrayList<>();
    for (FileScanChunk c : chunks) {
      for (dev.syncnode.proto.FileEntry p : c.getEntriesList()) {
        EntryType t = EntryType.valueOf(p.getType().name());
        out.add(new FileEntry(p.getPath(), t, p.getSize(), p.getMode(), p.getMtime(), p.getHash(), p.getTarget()));
      }
    }
    return out;
  }

  void assertChunking(String spiderId, int entries, int... sizes) throws Exception {
    RawGrpc.Result<FileScanChunk> r = grpc.scan(spiderId, "");
    assertEquals(GrpcStatus.OK, r.status(), r.message());
    List<FileScanChunk> chunks = r.messages();
    assertEquals(sizes.length, chunks.size(), "chunk count");
    String digest = chunks.get(0).getDigest();
    assertEquals(64, digest.length());
    for (int i = 0; i < chunks.size(); i++) {
      FileScanChunk c = chunks.get(i);
      assertEquals(sizes[i], c.getEntriesCount(), "entries in chunk " + i);
      assertEquals(entries, c.getTotal(), "total on chunk " + i);
      assertEquals(digest, c.getDigest(), "digest on chunk " + i);
      assertEquals(i, c.getIndex());
      assertEquals(i == chunks.size() - 1, c.getLast(), "last marker on chunk " + i);
    }
    List<FileEntry> all = entries(chunks);
    assertEquals(entries, new HashSet<>(all.stream().map(FileEntry::path).toList()).size(), "no duplicates");
    assertEquals(Manifest.of(spiderId, "", all).digest(), digest, "the digest is the digest of these entries");
  }

  @Test
  void twoHundredFiftyEntriesInChunksOfHundred() throws Exception {
    assertChunking("many", 250, 100, 100, 50);
  }

  @Test
  void exactMultipleOfTheChunkSizeHasNoEmptyTrailingChunk() throws Exception {
    assertChunking("two-hundred", 200, 100, 100);
  }

  @Test
  void emptySpiderIsExactlyOneEmptyLastChunk() throws Exception {
    RawGrpc.Result<FileScanChunk> r = grpc.scan("empty", "");
    assertEquals(GrpcStatus.OK, r.status());
    assertEquals(1, r.messages().size());
    FileScanChunk only = r.messages().get(0);
    assertEquals(0, only.getEntriesCount());
    assertEquals(0, only.getTotal());
    assertTrue(only.getLast());
    assertEquals(0, only.getIndex());
    assertEquals(EMPTY_SHA256, only.getDigest());
  }

  @Test
  void subPathScanListsOnlyThatDirectory() throws Exception {
    RawGrpc.Result<FileScanChunk> r = grpc.scan("spider1", "pkg/sub");
    assertEquals(GrpcStatus.OK, r.status(), r.message());
    Set<String> paths = new HashSet<>();
    entries(r.messages()).forEach(e -> paths.add(e.path()));
    assertEquals(Set.of("pkg/sub", "pkg/sub/deep", "pkg/sub/deep/module.py", "pkg/sub/up"), paths);
  }
}
