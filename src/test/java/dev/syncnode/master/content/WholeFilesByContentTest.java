package dev.syncnode.master.content;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.syncnode.fs.FileHasher;
import dev.syncnode.it.Trees;
import dev.syncnode.manifest.FileEntry;
import dev.syncnode.manifest.IgnoreRules;
import dev.syncnode.manifest.Manifest;
import dev.syncnode.master.SpiderPaths;
import dev.syncnode.master.scan.ScanException;
import dev.syncnode.piece.PieceCodec.Codec;
import dev.syncnode.piece.PieceCodec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Small files the current manifest lists are served by their content hash once read: a second reader
 * neither opens nor reads them (the files can be gone from disk and it still serves what the manifest
 * says), and only bytes that hash to the manifest's entry are ever cached.
 */
class WholeFilesByContentTest {
  @TempDir Path ws;

  private final ContentCache cache = new ContentCache();
  private final byte[] text = "print('hello')\n".repeat(200).getBytes();
  private final byte[] noise = Trees.random(5, 20_000);
  private final byte[] big = Trees.random(6, PieceReader.PIECE + 1);

  private Manifest manifest() throws IOException {
    Trees.write(ws, "s/a.py", text);
    Trees.write(ws, "s/b.bin", noise);
    Trees.write(ws, "s/big.bin", big);
    Trees.write(ws, "s/empty", new byte[0]);
    List<FileEntry> entries = new ArrayList<>();
    for (String f : List.of("a.py", "b.bin", "big.bin", "empty")) {
      byte[] data = Files.readAllBytes(ws.resolve("s").resolve(f));
      entries.add(FileEntry.file(f, data.length, 0644, 0, FileHasher.sha256(data)));
    }
    return Manifest.of("s", "", entries);
  }

  private List<PieceReader.Piece> read(Manifest known, Codec codec, List<String> files) throws IOException {
    return read(known, codec, files, IgnoreRules.of(List.of()));
  }

  private List<PieceReader.Piece> read(Manifest known, Codec codec, List<String> files, IgnoreRules ignore)
      throws IOException {
    PieceReader r = new PieceReader(new SpiderPaths(ws), ignore, "s", files, 0, 0, codec, cache, known,
        cache.changes());
    List<PieceReader.Piece> out = new ArrayList<>();
    while (!r.finished()) {
      out.addAll(r.round().pieces());
    }
    return out;
  }

  /** The file {@code index} of the request, put back together from its pieces. */
  private static byte[] file(List<PieceReader.Piece> pieces, int index) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (PieceReader.Piece p : pieces) {
      if (p.index() == index) {
        out.write(p.codec() == Codec.NONE ? p.data() : PieceCodec.decompress(p.codec(), java.nio.ByteBuffer.wrap(p.data()), p.rawSize()));
      }
    }
    return out.toByteArray();
  }

  @Test
  void aSecondReaderServesListedSmallFilesWithoutTouchingThem() throws Exception {
    Manifest m = manifest();
    List<String> all = List.of("a.py", "b.bin", "empty");
    for (Codec codec : List.of(Codec.ZSTD, Codec.NONE)) {
      List<PieceReader.Piece> first = read(m, codec, all);
      assertArrayEquals(text, file(first, 0));
      assertArrayEquals(noise, file(first, 1));
      assertEquals(0, file(first, 2).length);
    }
    for (String f : all) {
      Files.delete(ws.resolve("s").resolve(f));
    }
    for (Codec codec : List.of(Codec.ZSTD, Codec.NONE)) {
      List<PieceReader.Piece> second = read(m, codec, all);
      assertArrayEquals(text, file(second, 0), codec + ": the listed content, from the cache");
      assertArrayEquals(noise, file(second, 1));
      assertEquals(0, file(second, 2).length);
      assertEquals(codec, second.get(0).codec(), "text stays compressed for a worker that takes " + codec);
      assertEquals(Codec.NONE, second.get(1).codec(), "noise is sent as it is");
    }
  }

  @Test
  void withoutAManifestOrForLargeFilesOrRangesEveryReaderOpensTheFile() throws Exception {
    Manifest m = manifest();
    read(m, Codec.ZSTD, List.of("a.py", "big.bin"));
    Files.delete(ws.resolve("s/a.py"));
    Files.delete(ws.resolve("s/big.bin"));
    assertThrows(ScanException.class, () -> read(null, Codec.ZSTD, List.of("a.py")));
    assertThrows(ScanException.class, () -> read(m, Codec.ZSTD, List.of("big.bin")));
    PieceReader range = new PieceReader(new SpiderPaths(ws), IgnoreRules.of(List.of()), "s", List.of("a.py"), 10,
        20, Codec.ZSTD, cache, m, cache.changes());
    assertThrows(ScanException.class, range::round);
  }

  @Test
  void aReaderThatBeganBeforeAChangeOpensFilesAgain() throws Exception {
    Manifest m = manifest();
    read(m, Codec.ZSTD, List.of("a.py"));
    long before = cache.changes();
    Files.delete(ws.resolve("s/a.py"));
    cache.changed(); // what the spider watch's report does
    PieceReader r = new PieceReader(new SpiderPaths(ws), IgnoreRules.of(List.of()), "s", List.of("a.py"), 0, 0,
        Codec.ZSTD, cache, m, before);
    assertThrows(ScanException.class, r::round, "the manifest it holds may list what is gone");
  }

  @Test
  void aFileIgnoredSinceTheScanIsRefusedThoughCached() throws Exception {
    Manifest m = manifest();
    read(m, Codec.ZSTD, List.of("a.py"));
    assertThrows(ScanException.class, () -> read(m, Codec.ZSTD, List.of("a.py"), IgnoreRules.of(List.of("*.py"))));
  }

  @Test
  void bytesThatDoNotHashToTheManifestAreServedButNotCached() throws Exception {
    Manifest m = manifest();
    byte[] edited = "print('edited')\n".getBytes();
    Files.write(ws.resolve("s/a.py"), edited); // changed after the scan: the manifest's hash is old
    assertArrayEquals(edited, file(read(m, Codec.ZSTD, List.of("a.py")), 0), "what is there is sent");
    Files.delete(ws.resolve("s/a.py"));
    assertThrows(ScanException.class, () -> read(m, Codec.ZSTD, List.of("a.py")),
        "nothing was cached under the manifest's hash");
  }
}
