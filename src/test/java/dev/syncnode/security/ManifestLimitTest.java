package dev.syncnode.security;

import static dev.syncnode.it.Cluster.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.syncnode.config.NodeConfig;
import dev.syncnode.it.Trees;
import dev.syncnode.proto.FileEntry;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A master announcing a manifest of a million entries of 4,000-character paths (within the entry
 * count limit) and streaming it without end: the worker refuses it once it costs more than
 * {@code sync.maxManifestBytes}, long before the master has sent it, and writes nothing.
 */
class ManifestLimitTest {
  static final long LIMIT = 1024 * 1024;
  static final long ANNOUNCED = 1_000_000;
  static final byte[] A = "a\n".getBytes(StandardCharsets.UTF_8);

  @TempDir Path tmp;

  static NodeConfig limited(NodeConfig c) {
    NodeConfig.Sync s = Nodes.sync(c.sync(), 1, Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofSeconds(60));
    return c.withSync(s.withMaxManifestBytes(LIMIT));
  }

  static String longName(long i) {
    return String.format("f%07d-", i) + "p".repeat(3991);
  }

  @Test
  void grpcManifestOverTheByteLimitFailsEarly() throws Exception {
    Path dest = HostileMasterTest.oldCopy(Files.createTempDirectory(tmp, "case"));
    Map<String, String> before = Trees.describe(dest);
    AtomicLong sent = new AtomicLong();
    try (FakeMaster fake = new FakeMaster();
        Nodes.Worker worker = new Nodes.Worker(limited(Nodes.worker(fake.address(), "")))) {
      fake.scan = req -> req.last().onSuccess(r -> HostileMasterTest.endless(req.response(), () -> {
        List<FileEntry> batch = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
          batch.add(FakeMaster.file(longName(sent.getAndIncrement()), A));
        }
        return FakeMaster.chunk(batch, ANNOUNCED, false);
      }));
      String error = worker.failure("spider1", dest);

      assertTrue(error.contains("sync.maxManifestBytes") && error.contains("too large"), error);
      assertTrue(sent.get() < ANNOUNCED / 10, "stopped early, after " + sent.get() + " entries");
    }
    assertEquals(before, Trees.describe(dest));
    assertFalse(Files.exists(dest.resolve(".syncnode/tmp")));
  }

  @Test
  void httpManifestOverTheByteLimitFailsEarly() throws Exception {
    Path dest = HostileMasterTest.oldCopy(Files.createTempDirectory(tmp, "case"));
    Map<String, String> before = Trees.describe(dest);
    AtomicLong sent = new AtomicLong();
    Vertx vertx = Vertx.vertx();
    try {
      HttpServer fake = await(vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0))
          .requestHandler(req -> {
            HttpServerResponse resp = req.response().setChunked(true).putHeader("Content-Type", "application/json");
            resp.write("{\"spiderId\":\"spider1\",\"path\":\"\",\"digest\":\"d\",\"total\":" + ANNOUNCED
                + ",\"entries\":[");
            HostileMasterTest.endless(resp, () -> {
              long i = sent.getAndIncrement();
              return Buffer.buffer((i == 0 ? "" : ",") + "{\"path\":\"" + longName(i) + "\",\"type\":\"file\","
                  + "\"size\":2,\"mode\":420,\"mtime\":1,\"hash\":\"" + FakeMaster.sha256(A) + "\"}");
            });
          }).listen());
      NodeConfig c = limited(Nodes.worker("", "http://127.0.0.1:" + fake.actualPort()));
      try (Nodes.Worker worker = new Nodes.Worker(c.withSync(new NodeConfig.Sync(false, c.sync().grpcCacheTtl(),
          c.sync().grpcChunkSize(), c.sync().ignore(), c.sync().http(), c.sync().retry(), c.sync().timeout())
          .withMaxManifestBytes(LIMIT)))) {
        String error = worker.failure("spider1", dest);

        assertTrue(error.contains("sync.maxManifestBytes"), error);
        assertTrue(sent.get() < ANNOUNCED / 10, "stopped early, after " + sent.get() + " entries");
      }
    } finally {
      await(vertx.close());
    }
    assertEquals(before, Trees.describe(dest));
    assertFalse(Files.exists(dest.resolve(".syncnode/tmp")));
  }
}
