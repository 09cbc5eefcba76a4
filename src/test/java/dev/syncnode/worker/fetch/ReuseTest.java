package dev.syncnode.worker.fetch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.syncnode.manifest.FileEntry;
import dev.syncnode.worker.FakeSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Content the destination holds under another path is copied locally, verified while copied. */
class ReuseTest {
  @TempDir Path tmp;

  @Test
  void identicalContentElsewhereIsCopiedNotDownloaded() throws Exception {
    try (FetchFixture fx = new FetchFixture(tmp)) {
      byte[] content = FakeSource.random(1, 200_000);
      fx.master.put("moved/to.bin", content);
      Files.write(fx.dest.resolve("from.bin"), content);
      FileEntry wanted = fx.entry("moved/to.bin");
      FileEntry local = FileEntry.file("from.bin", content.length, 0644, 1L, wanted.hash());
      Map<String, Long> parts = Reuse.copy(fx.staging, fx.dest, List.of(wanted), Map.of(wanted.hash(), local));
      assertEquals(Map.of(), parts);
      Path staged = fx.staging.staged().get(wanted.hash());
      assertArrayEquals(content, Files.readAllBytes(staged));
      assertEquals(1, fx.staging.count("reused"));
      assertEquals(List.of(), fx.master.calls, "nothing asked of the master");
    }
  }

  @Test
  void aLocalCopyThatChangedSinceTheScanIsNotStaged() throws Exception {
    try (FetchFixture fx = new FetchFixture(tmp)) {
      byte[] content = FakeSource.random(2, 50_000);
      fx.master.put("to.bin", content);
      byte[] changed = content.clone();
      changed[10] ^= 1;
      Files.write(fx.dest.resolve("from.bin"), changed);
      FileEntry wanted = fx.entry("to.bin");
      FileEntry local = FileEntry.file("from.bin", content.length, 0644, 1L, wanted.hash());
      Reuse.copy(fx.staging, fx.dest, List.of(wanted), Map.of(wanted.hash(), local));
      assertFalse(fx.staging.has(wanted.hash()));
      assertEquals(java.util.Set.of(), fx.temps(), "the bad copy is removed");
    }
  }

  @Test
  void resumableTempFilesAreReported() throws Exception {
    try (FetchFixture fx = new FetchFixture(tmp)) {
      fx.master.put("big.bin", FakeSource.random(3, 10_000));
      FileEntry wanted = fx.entry("big.bin");
      Files.write(fx.tmpDir.resolve(Staging.partName(wanted.hash())), new byte[1234]);
      assertEquals(Map.of(wanted.hash(), 1234L), Reuse.copy(fx.staging, fx.dest, List.of(wanted), Map.of()));
      assertTrue(fx.temps().contains(Staging.partName(wanted.hash())));
    }
  }
}
