package dev.syncnode.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.syncnode.it.RawGrpc;
import dev.syncnode.it.Trees;
import dev.syncnode.manifest.Skipped;
import dev.syncnode.proto.BlockHashesChunk;
import dev.syncnode.proto.BlockHashesRequest;
import dev.syncnode.proto.FileData;
import dev.syncnode.proto.FileDownloadChunk;
import dev.syncnode.proto.SyncServiceGrpcClient;
import dev.syncnode.worker.SyncReport;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.grpc.common.GrpcStatus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hard link in a spider to a file outside it ({@code ln /outside/secret.txt spider/hard.txt}), against
 * a real master: no transport serves its bytes or hash, the scan lists it as skipped ({@code hard_link}),
 * and a worker syncs the rest of the spider.
 */
class HardLinkServingTest {
  static final String SECRET = "TOP-SECRET-OUTSIDE-THE-SPIDER";

  @TempDir static Path tmp;
  static Path spider;
  static Nodes.Master master;
  static RawGrpc grpc;
  static io.vertx.core.Vertx clientVertx;
  static HttpProbe http;

  @BeforeAll
  static void startMaster() throws Exception {
    Path ws = Files.createDirectories(tmp.resolve("ws"));
    Path secret = Files.writeString(Files.createDirectories(tmp.resolve("outside")).resolve("secret.txt"),
        SECRET + "\n");
    spider = ws.resolve("s1");
    Trees.write(spider, "fine.txt", "still served\n");
    Files.createLink(spider.resolve("hard.txt"), secret);
    master = new Nodes.Master(ws, c -> c);
    grpc = new RawGrpc(master.node.grpcPort());
    clientVertx = io.vertx.core.Vertx.vertx();
    http = new HttpProbe(clientVertx, master.httpPort());
  }

  @AfterAll
  static void stopMaster() throws Exception {
    http.close();
    dev.syncnode.it.Cluster.await(clientVertx.close());
    grpc.close();
    master.close();
  }

  static void assertNoSecret(String where, byte[] bytes) {
    assertFalse(new String(bytes, StandardCharsets.ISO_8859_1).contains(SECRET), "outside bytes served: " + where);
  }

  @Test
  void httpDownloadIsRefusedWithAJsonError() throws Exception {
    HttpProbe.Result r = http.request(HttpMethod.GET, "/api/sync/s1/download?path=hard.txt", Map.of(), null);
    assertNoSecret("HTTP download", r.body() == null ? new byte[0] : r.body().getBytes());
    assertEquals(404, r.status(), r.toString());
    assertNotNull(new JsonObject(r.text()).getString("error"), r.toString());
    assertEquals(200, http.request(HttpMethod.GET, "/api/sync/s1/download?path=fine.txt", Map.of(), null).status());
  }

  @Test
  void grpcStreamsRefuseIt() throws Exception {
    RawGrpc.Result<FileDownloadChunk> download = grpc.download("s1", "hard.txt", 0);
    assertNoSecret("StreamFileDownload", RawGrpc.bytes(download));
    assertEquals(GrpcStatus.NOT_FOUND, download.status(), download.message());

    RawGrpc.Result<FileData> files = grpc.files("s1", List.of("hard.txt"), false);
    for (FileData d : files.messages()) {
      assertNoSecret("StreamFiles", d.getData().toByteArray());
    }
    assertNotEquals(GrpcStatus.OK, files.status(), files.message());

    RawGrpc.Result<BlockHashesChunk> hashes = dev.syncnode.it.Cluster.await(grpc.call(SyncServiceGrpcClient.StreamBlockHashes,
        BlockHashesRequest.newBuilder().setSpiderId("s1").setPath("hard.txt").setNodeKey("hl-test").build()));
    assertEquals(GrpcStatus.NOT_FOUND, hashes.status(), hashes.message());
  }

  @Test
  void theScanSkipsItAndAWorkerSyncsTheRest() throws Exception {
    JsonObject scan = new JsonObject(http.request(HttpMethod.GET, "/api/sync/s1/scan?path=", Map.of(), null).text());
    assertEquals(1, scan.getLong("skippedTotal"), scan.encode());
    JsonObject skipped = scan.getJsonArray("skipped").getJsonObject(0);
    assertEquals("hard.txt", skipped.getString("path"));
    assertEquals(Skipped.HARD_LINK, skipped.getString("reason"));

    Path dest = Files.createDirectories(tmp.resolve("w")).resolve("s1");
    try (Nodes.Worker worker = new Nodes.Worker(Nodes.worker(master.grpc(), ""))) {
      SyncReport report = worker.sync("s1", dest);
      assertEquals(1, report.skipped(), report.toString());
      assertEquals("still served\n", Files.readString(dest.resolve("fine.txt")));
      assertFalse(Files.exists(dest.resolve("hard.txt")));
    }
    assertEquals(1.0, master.metrics.registry().get("syncnode.scan.skipped").tag("reason", Skipped.HARD_LINK)
        .counter().count());
  }
}
