package dev.syncnode.worker.fetch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.syncnode.manifest.FileEntry;
import dev.syncnode.transport.TransportException.Kind;
import dev.syncnode.transport.TransportException;
import dev.syncnode.worker.FakeSource;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one writer of temp files: hashes while writing, refuses what does not match the manifest. */
class StagedFileTest {
  @TempDir Path tmp;

  static FileEntry entry(byte[] content) {
    return FileEntry.file("x/y.bin", content.length, 0644, 1L, FakeSource.sha256(content));
  }

  @Test
  void theHashTakenWhileWritingIsTheFilesHash() throws Exception {
    byte[] content = FakeSource.random(1, 1_000_003);
    Path file = tmp.resolve("y.part");
    StagedFile s = StagedFile.create(entry(content), file);
    for (int at = 0; at < content.length; at += 77_777) {
      s.write(ByteBuffer.wrap(content, at, Math.min(77_777, content.length - at)));
    }
    assertTrue(s.full());
    assertEquals(file, s.finish());
    assertArrayEquals(content, Files.readAllBytes(file));
    assertEquals(entry(content).hash(), FakeSource.sha256(Files.readAllBytes(file)));
  }

  @Test
  void aMismatchIsRefusedAndTheTempFileRemoved() throws Exception {
    byte[] content = FakeSource.random(2, 5000);
    byte[] wrong = content.clone();
    wrong[4000] ^= 1;
    Path file = tmp.resolve("y.part");
    StagedFile s = StagedFile.create(entry(content), file);
    s.write(ByteBuffer.wrap(wrong));
    TransportException e = assertThrows(TransportException.class, s::finish);
    assertEquals(Kind.INTEGRITY, e.kind());
    assertTrue(e.getMessage().contains("hash mismatch for x/y.bin") && e.getMessage().contains("not installed"),
        e.getMessage());
    assertFalse(Files.exists(file));
  }

  @Test
  void moreBytesThanTheManifestSaysAreRefused() throws Exception {
    byte[] content = FakeSource.random(3, 100);
    StagedFile s = StagedFile.create(entry(content), tmp.resolve("y.part"));
    TransportException e = assertThrows(TransportException.class, () -> s.write(ByteBuffer.wrap(new byte[101])));
    assertTrue(e.getMessage().contains("more than the manifest size"), e.getMessage());
    s.discard(e);
    assertFalse(Files.exists(tmp.resolve("y.part")));
  }

  @Test
  void aResumedFileHashesItsPrefixOnceAndContinues() throws Exception {
    byte[] content = FakeSource.random(4, 300_000);
    Path file = Files.write(tmp.resolve("y.part"), Arrays.copyOf(content, 123_456));
    StagedFile s = StagedFile.resume(entry(content), file);
    assertEquals(123_456, s.position());
    s.write(ByteBuffer.wrap(content, 123_456, content.length - 123_456));
    s.finish();
    assertArrayEquals(content, Files.readAllBytes(file));
  }

  @Test
  void aTempFileLongerThanTheEntryStartsOver() throws Exception {
    byte[] content = FakeSource.random(5, 1000);
    Path file = Files.write(tmp.resolve("y.part"), new byte[2000]);
    StagedFile s = StagedFile.resume(entry(content), file);
    assertEquals(0, s.position());
    s.write(ByteBuffer.wrap(content));
    s.finish();
    assertArrayEquals(content, Files.readAllBytes(file));
  }

  @Test
  void aLocalWriteFailureKeepsThePrefixForResuming() throws Exception {
    byte[] content = FakeSource.random(6, 1000);
    Path file = tmp.resolve("y.part");
    StagedFile s = StagedFile.create(entry(content), file);
    s.write(ByteBuffer.wrap(content, 0, 500));
    s.discard(new TransportException(Kind.LOCAL_IO, "disk full"));
    assertEquals(500, Files.size(file));
  }
}
