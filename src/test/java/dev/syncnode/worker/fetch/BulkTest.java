package dev.syncnode.worker.fetch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.syncnode.manifest.FileEntry;
import dev.syncnode.transport.TransportException;
import dev.syncnode.worker.FakeSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Small files many per stream, each verified; what completed before a failure stays staged. */
class BulkTest {
  @TempDir Path tmp;

  static List<FileEntry> files(FetchFixture fx, int n) {
    List<FileEntry> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      fx.master.put("f" + i, i == 0 ? new byte[0] : FakeSource.random(i, 100 * i));
      out.add(fx.entry("f" + i));
    }
    return out;
  }

  @Test
  void manyFilesTravelInOneStream() throws Exception {
    try (FetchFixture fx = new FetchFixture(tmp)) {
      List<FileEntry> batch = files(fx, 40);
      Bulk bulk = new Bulk(fx.staging, null);
      fx.run(() -> bulk.fetch(fx.master, batch, fx.staging.bulkDir(0)));
      assertEquals(List.of("files 40"), fx.master.calls);
      for (FileEntry f : batch) {
        assertEquals(f.hash(), FakeSource.sha256(Files.readAllBytes(fx.staging.staged().get(f.hash()))));
      }
      assertEquals(40, fx.staging.count("bulk"));
    }
  }

  @Test
  void aCorruptFileFailsTheBatchAndIsNotKept() throws Exception {
    try (FetchFixture fx = new FetchFixture(tmp)) {
      List<FileEntry> batch = files(fx, 10);
      fx.master.corrupt("f5");
      Bulk bulk = new Bulk(fx.staging, null);
      TransportException e = assertThrows(TransportException.class,
          () -> fx.run(() -> bulk.fetch(fx.master, batch, fx.staging.bulkDir(0))));
      assertTrue(e.getMessage().contains("hash mismatch for f5"), e.getMessage());
      assertFalse(fx.staging.has(fx.entry("f5").hash()));
      assertFalse(Files.exists(fx.staging.bulkDir(0).resolve(Staging.partName(fx.entry("f5").hash()))));
      assertTrue(fx.staging.has(fx.entry("f4").hash()), "files before it are staged");
    }
  }

  @Test
  void verifiedFilesOfAFailedPassAreTakenAgain() throws Exception {
    try (FetchFixture fx = new FetchFixture(tmp)) {
      List<FileEntry> batch = files(fx, 3);
      Path dir = Files.createDirectories(fx.staging.bulkDir(1));
      Files.write(dir.resolve(Staging.partName(batch.get(2).hash())), FakeSource.random(2, 200));
      Files.write(dir.resolve(Staging.partName(batch.get(1).hash())), new byte[100]); // wrong bytes
      fx.run(() -> fx.staging.blocking(() -> {
        new Bulk(fx.staging, null).leftovers(batch);
        return null;
      }));
      assertTrue(fx.staging.has(batch.get(2).hash()));
      assertFalse(fx.staging.has(batch.get(1).hash()));
      assertFalse(Files.exists(dir.resolve(Staging.partName(batch.get(1).hash()))));
    }
  }

  @Test
  void withoutTransferCallsFilesComeOneByOne() throws Exception {
    try (FetchFixture fx = new FetchFixture(tmp)) {
      List<FileEntry> batch = files(fx, 3);
      fx.master.withoutTransfers();
      Bulk bulk = new Bulk(fx.staging, new Whole(fx.staging));
      fx.run(() -> bulk.fetch(fx.master, batch, fx.staging.bulkDir(0)));
      assertEquals(3, fx.staging.count("whole"));
      assertEquals(List.of("download f1 0", "download f2 0"), fx.master.calls, "the empty file needs no call");
    }
  }
}
