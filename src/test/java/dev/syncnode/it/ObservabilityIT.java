package dev.syncnode.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.syncnode.config.NodeConfig;
import dev.syncnode.worker.SyncReport;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** /metrics and /health over real HTTP on both node roles. */
class ObservabilityIT {
  @TempDir Path tmp;
  final HttpClient http = HttpClient.newHttpClient();

  HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static double metric(String text, String series) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " ([0-9.eE+-]+)$").matcher(text);
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  @Test
  void metricsCountOneScanForTenConcurrentSyncsAndCacheHits() throws Exception {
    Path ws = Files.createDirectories(tmp.resolve("master"));
    Trees.sampleSpider(ws.resolve("s1"));
    try (Cluster c = new Cluster(ws, Files.createDirectories(tmp.resolve("worker")), Tweaks.noPrescan())) {
      List<Future<SyncReport>> runs = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        runs.add(c.syncAsync("s1", tmp.resolve("dest-" + i)));
      }
      Cluster.await(Future.all(runs));
      c.sync("s1", tmp.resolve("dest-late"));

      String master = get(c.master.httpPort(), "/metrics").body();
      assertEquals(1.0, metric(master, "syncnode_scans_total"));
      double scanned = metric(master, "syncnode_scan_requests_total{outcome=\"scanned\",transport=\"grpc\"}");
      double joined = metric(master, "syncnode_scan_requests_total{outcome=\"joined\",transport=\"grpc\"}");
      double hits = metric(master, "syncnode_scan_requests_total{outcome=\"cache_hit\",transport=\"grpc\"}");
      assertEquals(1.0, scanned);
      assertEquals(11.0, scanned + joined + hits);
      assertTrue(hits >= 1.0, "the late sync is a cache hit");

      String worker = get(c.worker.httpPort(), "/metrics").body();
      assertEquals(11.0, metric(worker, "syncnode_syncs_total{outcome=\"success\",transport=\"grpc\"}"));
      assertEquals(7.0 * 11, metric(worker, "syncnode_files_downloaded_total"));
      assertTrue(worker.contains("syncnode_sync_duration_seconds_bucket"));
      assertTrue(worker.contains("syncnode_last_sync_timestamp_seconds{spider=\"s1\"}"));
    }
  }

  @Test
  void aSpiderDeletedOnTheMasterLeavesNoLastSyncSeriesOnTheWorker() throws Exception {
    Path ws = Files.createDirectories(tmp.resolve("master"));
    Trees.sampleSpider(ws.resolve("s1"));
    Trees.sampleSpider(ws.resolve("s2"));
    try (Cluster c = new Cluster(ws, Files.createDirectories(tmp.resolve("worker")),
        t -> Cluster.fastRetries(Tweaks.cacheTtl(Duration.ZERO).apply(t)))) {
      c.sync("s1", null);
      c.sync("s2", null);
      String before = get(c.worker.httpPort(), "/metrics").body();
      assertTrue(before.contains("syncnode_last_sync_timestamp_seconds{spider=\"s1\"}"));

      Trees.deleteTree(ws.resolve("s1"));
      Exception gone = assertThrows(Exception.class, () -> c.sync("s1", null));
      assertTrue(String.valueOf(gone.getMessage()).contains("s1"), String.valueOf(gone.getMessage()));

      String after = get(c.worker.httpPort(), "/metrics").body();
      assertFalse(after.contains("syncnode_last_sync_timestamp_seconds{spider=\"s1\"}"), "the deleted spider's series");
      assertTrue(after.contains("syncnode_last_sync_timestamp_seconds{spider=\"s2\"}"), "the others stay");
      c.sync("s2", null);
    }
  }

  @Test
  void healthFailsWhenWorkspaceIsGoneAndWhenMasterIsUnreachable() throws Exception {
    Path ws = Files.createDirectories(tmp.resolve("master"));
    Path mirror = Files.createDirectories(tmp.resolve("worker"));
    try (Cluster c = new Cluster(ws, mirror)) {
      assertEquals(200, get(c.master.httpPort(), "/health").statusCode());
      assertEquals(200, get(c.worker.httpPort(), "/health").statusCode());

      Trees.deleteTree(ws); // holds the master's .syncnode-master mark
      Files.writeString(ws, "not a directory");
      HttpResponse<String> bad = get(c.master.httpPort(), "/health");
      assertEquals(503, bad.statusCode());
      JsonObject body = new JsonObject(bad.body());
      assertEquals("DOWN", body.getString("outcome"));
      assertTrue(bad.body().contains("workspace"), bad.body());

      c.workerConfig.set(c.workerConfig.get().withMaster(new NodeConfig.Master("127.0.0.1:1", "http://127.0.0.1:1")));
      HttpResponse<String> noMaster = get(c.worker.httpPort(), "/health");
      assertEquals(503, noMaster.statusCode());
      assertTrue(noMaster.body().contains("master"), noMaster.body());
    }
  }

  /** Families a master exports; a worker must export none of them. */
  static final Set<String> MASTER_FAMILIES = Set.of("syncnode_scans_total", "syncnode_scan_requests_total",
      "syncnode_http_rejected_total", "syncnode_bytes_sent_total", "syncnode_scan_duration_seconds",
      "syncnode_cache_size", "syncnode_scans_inflight", "syncnode_http_inflight", "syncnode_http_inflight_max",
      "syncnode_http_queued");
  /** Families a worker exports; a master must export none of them. */
  static final Set<String> WORKER_FAMILIES = Set.of("syncnode_syncs_total", "syncnode_files_downloaded_total",
      "syncnode_bytes_received_total", "syncnode_grpc_fallbacks_total", "syncnode_files_transferred_total",
      "syncnode_sync_duration_seconds", "syncnode_last_sync_timestamp_seconds");

  /** Family name of each syncnode sample line, checked against the HELP lines (each must have text). */
  static Set<String> families(String scrape) {
    Map<String, String> help = new HashMap<>();
    Matcher h = Pattern.compile("(?m)^# HELP (\\S+) ?(.*)$").matcher(scrape);
    while (h.find()) {
      help.put(h.group(1), h.group(2).trim());
    }
    Set<String> out = new TreeSet<>();
    Matcher m = Pattern.compile("(?m)^(syncnode_[a-z_]+)[{ ]").matcher(scrape);
    while (m.find()) {
      String sample = m.group(1);
      String family = help.containsKey(sample) ? sample : sample.replaceFirst("_(bucket|count|sum)$", "");
      assertTrue(help.containsKey(family), "no HELP line for " + sample);
      assertFalse(help.get(family).isEmpty(), "empty HELP text for " + family);
      out.add(family);
    }
    return out;
  }

  @Test
  void freshNodesExportOnlyTheirRolesSeriesWithHelpAndZeroCounters() throws Exception {
    try (Cluster c = new Cluster(Files.createDirectories(tmp.resolve("master")),
        Files.createDirectories(tmp.resolve("worker")))) {
      String master = get(c.master.httpPort(), "/metrics").body();
      Set<String> masterFamilies = families(master);
      assertTrue(masterFamilies.containsAll(Set.of("syncnode_scans_total", "syncnode_scan_requests_total",
          "syncnode_http_rejected_total", "syncnode_bytes_sent_total")), masterFamilies.toString());
      assertTrue(masterFamilies.stream().noneMatch(WORKER_FAMILIES::contains), "worker series on the master: "
          + masterFamilies);
      for (String zero : List.of("syncnode_scans_total", "syncnode_http_rejected_total{endpoint=\"scan\"}",
          "syncnode_http_rejected_total{endpoint=\"download\"}", "syncnode_bytes_sent_total{transport=\"grpc\"}",
          "syncnode_scan_requests_total{outcome=\"not_found\",transport=\"grpc\"}",
          "syncnode_scan_requests_total{outcome=\"cache_hit\",transport=\"http\"}")) {
        assertTrue(Pattern.compile("(?m)^" + Pattern.quote(zero) + " 0(\\.0)?$").matcher(master).find(),
            zero + " at 0 in:\n" + master);
      }

      String worker = get(c.worker.httpPort(), "/metrics").body();
      Set<String> workerFamilies = families(worker);
      assertTrue(workerFamilies.containsAll(Set.of("syncnode_syncs_total", "syncnode_files_downloaded_total",
          "syncnode_bytes_received_total", "syncnode_grpc_fallbacks_total", "syncnode_files_transferred_total")),
          workerFamilies.toString());
      assertTrue(workerFamilies.stream().noneMatch(MASTER_FAMILIES::contains), "master series on the worker: "
          + workerFamilies);
      for (String zero : List.of("syncnode_grpc_fallbacks_total", "syncnode_files_downloaded_total",
          "syncnode_syncs_total{outcome=\"failure\",transport=\"http\"}",
          "syncnode_files_transferred_total{mode=\"delta\"}")) {
        assertTrue(Pattern.compile("(?m)^" + Pattern.quote(zero) + " 0(\\.0)?$").matcher(worker).find(),
            zero + " at 0 in:\n" + worker);
      }
    }
  }

  @Test
  void anUnknownSpiderIsNotFoundNotFailedInTheScanRequests() throws Exception {
    try (Cluster c = new Cluster(Files.createDirectories(tmp.resolve("master")),
        Files.createDirectories(tmp.resolve("worker")), Cluster::fastRetries)) {
      assertThrows(Exception.class, () -> c.sync("no-such-spider", null));
      assertTrue(Meters.scanRequests(c.masterMetrics, "not_found") >= 1);
      assertEquals(0.0, Meters.scanRequests(c.masterMetrics, "failed"));
    }
  }

  @Test
  void filesTransferredByModeAddUpToDownloaded() throws Exception {
    Path ws = Files.createDirectories(tmp.resolve("master"));
    Path spider = ws.resolve("s1");
    Trees.sampleSpider(spider);
    Trees.write(spider, "copies/a.txt", "same content\n");
    Trees.write(spider, "copies/b.txt", "same content\n");
    Trees.write(spider, "big/one.bin", Trees.random(1, 2 * 1024 * 1024));
    Trees.write(spider, "big/two.bin", Trees.random(1, 2 * 1024 * 1024));
    try (Cluster c = new Cluster(ws, Files.createDirectories(tmp.resolve("worker")))) {
      long downloaded = c.sync("s1", tmp.resolve("over-grpc")).downloaded();
      c.workerConfig.set(Cluster.httpOnly(c.workerConfig.get()));
      SyncReport http = c.sync("s1", tmp.resolve("over-http"));
      assertEquals("http", http.transport());
      downloaded += http.downloaded();
      assertEquals((double) downloaded, Meters.count(c.workerMetrics, "syncnode.files.transferred"));
      assertEquals((double) downloaded, Meters.count(c.workerMetrics, "syncnode.files.downloaded"));
    }
  }
}
