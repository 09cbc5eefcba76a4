package dev.syncnode.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.syncnode.config.NodeConfig;
import dev.syncnode.worker.SyncReport;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * A spider holding names Linux allows and no worker can take, end to end over real gRPC and HTTP:
 * the master leaves them out and lists them, the worker gets every good file and names them in its
 * report.
 */
class SkippedEntriesIT {
  @TempDir Path tmp;

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"grpc", "http"})
  void badEntriesAreSkippedAndTheRestSyncs(String transport) throws Exception {
    Assumptions.assumeTrue("UTF-8".equals(System.getProperty("sun.jnu.encoding")), "file names decoded as UTF-8");
    // same length: the worker can create every directory the master could walk
    Path spider = Files.createDirectories(tmp.resolve("m/spider1"));
    Path dest = tmp.resolve("w/spider1");
    Files.createDirectories(dest.getParent());
    BadNames.Tree tree = BadNames.create(spider);
    UnaryOperator<NodeConfig> tweak = transport.equals("http") ? c -> Cluster.fastRetries(Cluster.httpOnly(c))
        : Cluster::fastRetries;
    long expected = tree.badNames().size() + (tree.undecodable() ? 1 : 0) + (tree.deep() ? 1 : 0);
    try (Cluster cluster = new Cluster(tmp.resolve("m"), tmp.resolve("w"), tweak)) {
      SyncReport report = cluster.sync("spider1", dest);

      assertEquals(transport, report.transport());
      assertEquals(expected, report.skipped(), report.toString());
      assertEquals(expected, report.toJson().getLong("skipped"));
      for (Map.Entry<String, String> e : tree.good().entrySet()) {
        assertEquals(e.getValue(), Files.readString(dest.resolve(e.getKey())), e.getKey());
      }
      for (String bad : tree.badNames()) {
        assertFalse(Files.exists(dest.resolve(bad)), bad);
      }
      assertEquals(tree.good().size(), report.files());
      double counted = cluster.masterMetrics.registry().find("syncnode.scan.skipped").counters().stream()
          .mapToDouble(c -> c.count()).sum();
      assertEquals(expected, counted, "once per spider and path");

      // the HTTP scan answer lists them by name, escaped
      HttpResponse<String> scan = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create(cluster.masterHttpUrl() + "/api/sync/spider1/scan?path=")).build(),
          HttpResponse.BodyHandlers.ofString());
      JsonObject body = new JsonObject(scan.body());
      JsonArray skipped = body.getJsonArray("skipped");
      assertEquals(expected, body.getLong("skippedTotal"));
      assertTrue(skipped.stream().map(o -> ((JsonObject) o).getString("path")).anyMatch("new\\x0aline.txt"::equals),
          skipped.encode());
      assertFalse(scan.body().contains("\n"), "no raw control character in the answer");
    } finally {
      BadNames.remove(spider);
      BadNames.remove(dest);
    }
  }
}
