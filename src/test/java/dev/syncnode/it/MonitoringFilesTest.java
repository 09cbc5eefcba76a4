package dev.syncnode.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.syncnode.node.NodeLauncher;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * {@code deploy/grafana/syncnode.json} and {@code deploy/prometheus/prometheus.yml} parse, and every
 * series the dashboard queries is one a real master, a real worker or the JVM binders of a node export
 * (a renamed metric breaks this test rather than leaving an empty panel).
 */
class MonitoringFilesTest {
  static final Path GRAFANA = Path.of("deploy/grafana/syncnode.json");
  static final Path PROMETHEUS = Path.of("deploy/prometheus/prometheus.yml");
  /** The Prometheus names of DESIGN.md section 3: the dashboard shows each of them. */
  static final List<String> CONTRACT = List.of("syncnode_scans_total", "syncnode_scan_requests_total",
      "syncnode_http_rejected_total", "syncnode_bytes_sent_total", "syncnode_syncs_total",
      "syncnode_files_downloaded_total", "syncnode_bytes_received_total", "syncnode_grpc_fallbacks_total");
  static final Pattern SERIES = Pattern.compile("\\b((?:syncnode|jvm|process|system)_[a-z0-9_]+)");

  @TempDir Path tmp;

  @Test
  void grafanaQueriesOnlySeriesTheNodesExport() throws Exception {
    JsonObject dashboard = new JsonObject(Files.readString(GRAFANA));
    assertEquals("syncnode", dashboard.getString("uid"));
    List<String> queries = new ArrayList<>();
    collectQueries(dashboard, queries);
    assertFalse(queries.isEmpty());
    Set<String> used = new TreeSet<>();
    for (String q : queries) {
      Matcher m = SERIES.matcher(q);
      while (m.find()) {
        used.add(m.group(1));
      }
    }
    Set<String> exported = exportedSeries();
    Set<String> unknown = new TreeSet<>(used);
    unknown.removeAll(exported);
    assertEquals(Set.of(), unknown, "series the nodes do not export; they do export: " + exported);
    for (String name : CONTRACT) {
      assertTrue(used.contains(name), "no panel shows " + name);
    }
    assertTrue(used.contains("jvm_memory_used_bytes"), "no panel shows JVM memory");
  }

  @Test
  void panelsHaveUniqueIdsAndPlaces() throws Exception {
    JsonArray panels = new JsonObject(Files.readString(GRAFANA)).getJsonArray("panels");
    Set<Integer> ids = new HashSet<>();
    for (Object o : panels) {
      JsonObject p = (JsonObject) o;
      assertTrue(ids.add(p.getInteger("id")), "duplicate panel id " + p.getInteger("id"));
      assertTrue(p.getJsonObject("gridPos").getInteger("w") > 0, p.getString("title"));
      assertFalse(p.getString("title", "").isBlank(), "a panel without a title");
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void prometheusScrapesTheMasterAndTheWorkers() throws Exception {
    Map<String, Object> config = new Yaml().load(Files.readString(PROMETHEUS));
    List<Map<String, Object>> jobs = (List<Map<String, Object>>) config.get("scrape_configs");
    Set<String> names = new TreeSet<>();
    for (Map<String, Object> job : jobs) {
      names.add((String) job.get("job_name"));
      assertEquals("/metrics", job.get("metrics_path"), job.toString());
      List<Map<String, Object>> targets = (List<Map<String, Object>>) job.get("static_configs");
      assertFalse(((List<String>) targets.get(0).get("targets")).isEmpty(), job.toString());
    }
    assertEquals(Set.of("syncnode-master", "syncnode-workers"), names);
  }

  /** Every {@code expr} and template query in the dashboard. */
  static void collectQueries(Object node, List<String> out) {
    if (node instanceof JsonObject o) {
      for (Map.Entry<String, Object> e : o) {
        if ((e.getKey().equals("expr") || e.getKey().equals("definition")) && e.getValue() instanceof String s) {
          out.add(s);
        } else {
          collectQueries(e.getValue(), out);
        }
      }
    } else if (node instanceof JsonArray a) {
      a.forEach(v -> collectQueries(v, out));
    }
  }

  /** Series names a master and a worker export after one sync, plus the JVM series every node binds. */
  Set<String> exportedSeries() throws Exception {
    Path ws = Files.createDirectories(tmp.resolve("master"));
    Trees.sampleSpider(ws.resolve("s1"));
    Set<String> names = new TreeSet<>();
    try (Cluster nodes = new Cluster(ws, Files.createDirectories(tmp.resolve("worker")))) {
      nodes.sync("s1", null);
      names.addAll(seriesIn(nodes.masterMetrics.scrape()));
      names.addAll(seriesIn(nodes.workerMetrics.scrape()));
    }
    PrometheusMeterRegistry jvm = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    NodeLauncher.bindJvmMetrics(jvm);
    names.addAll(seriesIn(jvm.scrape()));
    jvm.close();
    return names;
  }

  static Set<String> seriesIn(String scrape) {
    Set<String> names = new TreeSet<>();
    for (String line : scrape.split("\n")) {
      if (!line.isEmpty() && !line.startsWith("#")) {
        names.add(line.split("[{ ]", 2)[0]);
      }
    }
    return names;
  }
}
