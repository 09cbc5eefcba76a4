package dev.syncnode.worker.fetch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.syncnode.manifest.FileEntry;
import dev.syncnode.transport.TransportException;
import dev.syncnode.worker.FakeSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** One file downloaded whole, by the transfer call or the plain download, resuming a partial. */
class WholeTest {
  static final int SIZE = 2 * 1024 * 1024 + 17;

  @TempDir Path tmp;

  @ParameterizedTest(name = "transfers={0}")
  @ValueSource(booleans = {true, false})
  void downloadsAndVerifies(boolean transfers) throws Exception {
    try (FetchFixture fx = new FetchFixture(tmp)) {
      byte[] content = FakeSource.random(1, SIZE);
      fx.master.put("f.bin", content);
      if (!transfers) {
        fx.master.withoutTransfers();
      }
      Path p = fx.run(() -> new Whole(fx.staging).fetch(fx.master, fx.entry("f.bin")));
      assertArrayEquals(content, Files.readAllBytes(p));
      assertEquals(SIZE, fx.received.get());
      assertEquals(List.of((transfers ? "range f.bin 0 0" : "download f.bin 0")), fx.master.calls);
    }
  }

  @ParameterizedTest(name = "transfers={0}")
  @ValueSource(booleans = {true, false})
  void resumesFromThePartialTempFile(boolean transfers) throws Exception {
    try (FetchFixture fx = new FetchFixture(tmp)) {
      byte[] content = FakeSource.random(2, SIZE);
      fx.master.put("f.bin", content);
      if (!transfers) {
        fx.master.withoutTransfers();
      }
      FileEntry f = fx.entry("f.bin");
      Files.write(fx.tmpDir.resolve(Staging.partName(f.hash())), Arrays.copyOf(content, 1_000_000));
      Path p = fx.run(() -> new Whole(fx.staging).fetch(fx.master, f));
      assertArrayEquals(content, Files.readAllBytes(p));
      assertEquals(SIZE - 1_000_000, fx.received.get());
    }
  }

  @ParameterizedTest(name = "transfers={0}")
  @ValueSource(booleans = {true, false})
  void aCorruptDownloadIsRefusedAndRemoved(boolean transfers) throws Exception {
    try (FetchFixture fx = new FetchFixture(tmp)) {
      fx.master.put("f.bin", FakeSource.random(3, SIZE)).corrupt("f.bin");
      if (!transfers) {
        fx.master.withoutTransfers();
      }
      TransportException e = assertThrows(TransportException.class,
          () -> fx.run(() -> new Whole(fx.staging).fetch(fx.master, fx.entry("f.bin"))));
      assertEquals(TransportException.Kind.INTEGRITY, e.kind());
      assertTrue(e.getMessage().contains("hash mismatch"), e.getMessage());
      assertEquals(java.util.Set.of(), fx.temps());
    }
  }

  @Test
  void aCompleteTempFileIsVerifiedWithoutAsking() throws Exception {
    try (FetchFixture fx = new FetchFixture(tmp)) {
      byte[] content = FakeSource.random(4, 5000);
      fx.master.put("f.bin", content);
      FileEntry f = fx.entry("f.bin");
      Files.write(fx.tmpDir.resolve(Staging.partName(f.hash())), content);
      Path p = fx.run(() -> new Whole(fx.staging).fetch(fx.master, f));
      assertArrayEquals(content, Files.readAllBytes(p));
      assertFalse(fx.master.calls.stream().anyMatch(c -> c.startsWith("range")));
    }
  }
}
