package dev.syncnode.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.syncnode.config.NodeConfig.Role;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {

  private static JsonObject yaml(String text) {
    return YamlConfig.parse(text);
  }

  private static ConfigException invalid(JsonObject raw, Map<String, String> env) {
    return assertThrows(ConfigException.class, () -> ConfigLoader.load(raw, env));
  }

  @Test
  void nothingGivesTheDefaults() {
    assertEquals(NodeConfig.defaults(), ConfigLoader.load(new JsonObject(), Map.of()));
    assertEquals(NodeConfig.defaults(), ConfigLoader.load(null, null));
  }

  @Test
  void fileOverridesDefaults() {
    NodeConfig c = ConfigLoader.load(yaml("""
        node: { role: worker, key: w-7 }
        http: { port: 8001 }
        sync:
          useGrpc: false
          grpcCacheTtl: 5s
          ignore: [".git/", "*.log"]
          http: { queueSize: 5 }
          retry: { initialBackoff: 100, maxBackoff: 1m }
        auth: { token: s3cret }
        tls: { enabled: true, certPath: /c.pem }
        cluster: { members: [10.0.0.1, 10.0.0.2] }
        """), Map.of());
    assertEquals(Role.WORKER, c.node().role());
    assertEquals("w-7", c.node().key());
    assertEquals("data/worker", c.node().workspace(), "a worker's own default");
    assertEquals(8001, c.http().port());
    assertEquals("0.0.0.0", c.http().host());
    assertFalse(c.sync().useGrpc());
    assertEquals(Duration.ofSeconds(5), c.sync().grpcCacheTtl());
    assertEquals(List.of(".git/", "*.log"), c.sync().ignore());
    assertEquals(5, c.sync().http().queueSize());
    assertEquals(10, c.sync().http().scanMaxConcurrent());
    assertEquals(Duration.ofMillis(100), c.sync().retry().initialBackoff());
    assertEquals(Duration.ofMinutes(1), c.sync().retry().maxBackoff());
    assertEquals("s3cret", c.auth().token());
    assertTrue(c.tls().enabled());
    assertEquals("/c.pem", c.tls().certPath());
    assertEquals(List.of("10.0.0.1", "10.0.0.2"), c.cluster().members());
  }

  @Test
  void envBeatsFile() {
    JsonObject raw = yaml("""
        http: { port: 8001 }
        sync: { useGrpc: true, http: { queueSize: 50 }, ignore: [a] }
        node: { role: master }
        auth: { token: from-file }
        """);
    Map<String, String> env = Map.of(
        "SYNCNODE_HTTP_PORT", "9001",
        "SYNCNODE_SYNC_USEGRPC", "false",
        "SYNCNODE_SYNC_HTTP_QUEUESIZE", "5",
        "SYNCNODE_SYNC_GRPCCACHETTL", "5s",
        "SYNCNODE_NODE_ROLE", "worker",
        "SYNCNODE_SYNC_IGNORE", ".git/, *.tmp,,",
        "SYNCNODE_AUTH_TOKEN", "from-env",
        "SYNCNODE_METRICS_ENABLED", "FALSE",
        "OTHER_HTTP_PORT", "1");
    NodeConfig c = ConfigLoader.load(raw, env);
    assertEquals(9001, c.http().port());
    assertFalse(c.sync().useGrpc());
    assertEquals(5, c.sync().http().queueSize());
    assertEquals(Duration.ofSeconds(5), c.sync().grpcCacheTtl());
    assertEquals(Role.WORKER, c.node().role());
    assertEquals(List.of(".git/", "*.tmp"), c.sync().ignore());
    assertEquals("from-env", c.auth().token());
    assertFalse(c.metrics().enabled());
  }

  @Test
  void emptyEnvValuesMeanEmpty() {
    NodeConfig c = ConfigLoader.load(yaml("auth: { token: x }"),
        Map.of("SYNCNODE_AUTH_TOKEN", "", "SYNCNODE_SYNC_IGNORE", ""));
    assertEquals("", c.auth().token());
    assertEquals(List.of(), c.sync().ignore());
  }

  @Test
  void envNamesFollowTheRule() {
    assertEquals("SYNCNODE_SYNC_HTTP_QUEUESIZE", ConfigLoader.envName("sync.http.queueSize"));
    assertEquals("SYNCNODE_SYNC_GRPCCACHETTL", ConfigLoader.envName("sync.grpcCacheTtl"));
    Set<String> names = new HashSet<>();
    ConfigLoader.KEYS.forEach(k -> assertTrue(names.add(ConfigLoader.envName(k)), "env name clash: " + k));
  }

  @Test
  void portZeroIsAllowed() {
    NodeConfig c = ConfigLoader.load(yaml("http: { port: 0 }\ngrpc: { port: 0 }"), Map.of());
    assertEquals(0, c.http().port());
    assertEquals(0, c.grpc().port());
  }

  @Test
  void numbersAsStringsAreAccepted() {
    NodeConfig c = ConfigLoader.load(yaml("http: { port: '8002' }\nsync: { grpcCacheTtl: 1500 }"), Map.of());
    assertEquals(8002, c.http().port());
    assertEquals(Duration.ofMillis(1500), c.sync().grpcCacheTtl());
  }

  @Test
  void validationErrorsNameTheKey() {
    Map<String, String> none = Map.of();
    assertEquals("node.role", invalid(yaml("node: { role: boss }"), none).key());
    assertEquals("http.port", invalid(yaml("http: { port: abc }"), none).key());
    assertEquals("http.port", invalid(yaml("http: { port: 65536 }"), none).key());
    assertEquals("grpc.port", invalid(yaml("grpc: { port: -1 }"), none).key());
    assertEquals("http.port", invalid(yaml("http: { port: 80.5 }"), none).key());
    assertEquals("sync.http.queueSize", invalid(yaml("sync: { http: { queueSize: -5 } }"), none).key());
    assertEquals("sync.http.scanMaxConcurrent", invalid(yaml("sync: { http: { scanMaxConcurrent: 0 } }"), none).key());
    assertEquals("sync.grpcChunkSize", invalid(yaml("sync: { grpcChunkSize: 0 }"), none).key());
    assertEquals("sync.retry.maxAttempts", invalid(yaml("sync: { retry: { maxAttempts: 0 } }"), none).key());
    assertEquals("sync.grpcCacheTtl", invalid(yaml("sync: { grpcCacheTtl: 5 minutes }"), none).key());
    assertEquals("sync.timeout.scan", invalid(yaml("sync: { timeout: { scan: 0s } }"), none).key());
    assertEquals("sync.retry.maxBackoff",
        invalid(yaml("sync: { retry: { initialBackoff: 10s, maxBackoff: 1s } }"), none).key());
    assertEquals("sync.useGrpc", invalid(yaml("sync: { useGrpc: maybe }"), none).key());
    assertEquals("sync.ignore", invalid(yaml("sync: { ignore: { a: b } }"), none).key());
    assertEquals("node.key", invalid(yaml("node: { key: '' }"), none).key());
    assertEquals("master.grpc", invalid(yaml("master: { grpc: 'localhost' }"), none).key());
    assertEquals("master.http", invalid(yaml("master: { http: 'localhost:8000' }"), none).key());
    assertEquals("auth.token", invalid(yaml("auth: { token: [a] }"), none).key());
    assertEquals("http", invalid(yaml("http: 8000"), none).key());
    assertEquals("sync.http", invalid(yaml("sync: { http: 5 }"), none).key());
    assertEquals("http.port", invalid(yaml("http: { port: { x: 1 } }"), none).key());
    // from the environment too
    assertEquals("http.port", invalid(new JsonObject(), Map.of("SYNCNODE_HTTP_PORT", "abc")).key());
    assertEquals("sync.useGrpc", invalid(new JsonObject(), Map.of("SYNCNODE_SYNC_USEGRPC", "yes")).key());
    assertEquals("sync.http.queueSize",
        invalid(new JsonObject(), Map.of("SYNCNODE_SYNC_HTTP_QUEUESIZE", "-5")).key());

    ConfigException e = invalid(yaml("sync: { http: { queueSize: -5 } }"), none);
    assertTrue(e.getMessage().startsWith("sync.http.queueSize: "), e.getMessage());
    assertTrue(e.detail().contains("-5"), e.detail());
  }

  @Test
  void unknownKeysAreIgnoredAndListed() {
    JsonObject raw = yaml("""
        http: { port: 8001, prot: 1 }
        sync: { usegrpc: false, http: { queueSize: 5, extra: 1 } }
        colour: blue
        """);
    NodeConfig c = ConfigLoader.load(raw, Map.of("SYNCNODE_HTTP_PROT", "1"));
    assertEquals(8001, c.http().port());
    assertTrue(c.sync().useGrpc());
    assertEquals(List.of("http.prot", "sync.usegrpc", "sync.http.extra", "colour", "SYNCNODE_HTTP_PROT"),
        ConfigLoader.unknownKeys(raw, Map.of("SYNCNODE_HTTP_PROT", "1", "SYNCNODE_HTTP_PORT", "1", "PATH", "/")));
  }

  @Test
  void nullValuesKeepTheDefault() {
    NodeConfig c = ConfigLoader.load(yaml("auth:\n  token:\nsync:\n"), Map.of());
    assertEquals(NodeConfig.defaults(), c);
  }

  @Test
  void listsFromJsonArrays() {
    JsonObject raw = new JsonObject().put("sync", new JsonObject().put("ignore", new JsonArray().add("x/").add(" y ")));
    assertEquals(List.of("x/", "y"), ConfigLoader.load(raw, Map.of()).sync().ignore());
  }

  @Test
  void keysAreSplitIntoHotAndRestart() {
    assertEquals(ConfigLoader.KEYS.size(), ConfigLoader.HOT_KEYS.size() + ConfigLoader.RESTART_KEYS.size());
    for (String k : ConfigLoader.KEYS) {
      boolean hot = k.startsWith("sync.") || k.equals("auth.token");
      assertEquals(hot, ConfigLoader.HOT_KEYS.contains(k), k);
      assertEquals(!hot, ConfigLoader.RESTART_KEYS.contains(k), k);
    }
    assertTrue(ConfigLoader.RESTART_KEYS.containsAll(List.of("node.role", "http.port", "grpc.port",
        "master.grpc", "tls.enabled", "metrics.enabled", "cluster.members")));
  }

  @Test
  void transferKeysFromFileAndEnv() {
    NodeConfig d = ConfigLoader.load(null, null);
    assertEquals(4, d.sync().parallelDownloads());
    assertTrue(d.sync().compression());
    assertTrue(d.sync().watchDestinations());
    NodeConfig c = ConfigLoader.load(yaml("sync: { parallelDownloads: 8, compression: false }"),
        Map.of("SYNCNODE_SYNC_PARALLELDOWNLOADS", "2", "SYNCNODE_SYNC_WATCHDESTINATIONS", "false"));
    assertEquals(2, c.sync().parallelDownloads());
    assertFalse(c.sync().compression());
    assertFalse(c.sync().watchDestinations());
    assertEquals("sync.parallelDownloads", invalid(yaml("sync: { parallelDownloads: 0 }"), Map.of()).key());
    assertEquals("sync.compression", invalid(yaml("sync: { compression: maybe }"), Map.of()).key());
    assertEquals("sync.watchDestinations", invalid(yaml("sync: { watchDestinations: 2 }"), Map.of()).key());
  }

  @Test
  void maxManifestBytesFromFileAndEnv() {
    assertEquals(64L * 1024 * 1024, ConfigLoader.load(null, null).sync().maxManifestBytes());
    assertEquals(5_000_000_000L, ConfigLoader.load(yaml("sync: { maxManifestBytes: 5000000000 }"), Map.of())
        .sync().maxManifestBytes());
    assertEquals(1024, ConfigLoader.load(null, Map.of("SYNCNODE_SYNC_MAXMANIFESTBYTES", "1024"))
        .sync().maxManifestBytes());
    assertEquals("sync.maxManifestBytes", invalid(yaml("sync: { maxManifestBytes: 0 }"), Map.of()).key());
    assertTrue(ConfigLoader.HOT_KEYS.contains("sync.maxManifestBytes"));
  }

  @Test
  void diffListsChangedKeys() {
    NodeConfig a = NodeConfig.defaults();
    NodeConfig b = ConfigLoader.load(yaml("http: { port: 1 }\nsync: { useGrpc: false, retry: { maxAttempts: 2 } }"),
        Map.of());
    assertEquals(List.of("http.port", "sync.useGrpc", "sync.retry.maxAttempts"), ConfigLoader.diff(a, b));
    assertEquals(List.of(), ConfigLoader.diff(a, NodeConfig.defaults()));
  }

  /** Every key changed one at a time: hot keys are taken, restart keys kept. */
  @Test
  void applyReloadTakesHotKeysOnly() {
    NodeConfig current = NodeConfig.defaults();
    JsonObject changedEverything = yaml("""
        node: { role: worker, key: k2, workspace: /w }
        http: { host: 127.0.0.1, port: 1, idleTimeout: 1s, headerTimeout: 3s, maxConnections: 5,
                maxConnectionsPerClient: 2, maxStreamsPerConnection: 3 }
        grpc: { host: 127.0.0.1, port: 2, idleTimeout: 2s, headerTimeout: 4s, maxConnections: 6,
                maxConnectionsPerClient: 3, maxStreamsPerConnection: 4 }
        master: { grpc: 'h:1', http: 'http://h:2' }
        sync:
          useGrpc: false
          grpcCacheTtl: 1s
          grpcChunkSize: 7
          ignore: [x]
          http: { scanMaxConcurrent: 1, downloadMaxConcurrent: 2, queueSize: 3, minRate: 0, minRateWindow: 3s,
                  queueTimeout: 4s }
          grpc: { maxStreams: 9, sendBudget: 1000, stallTimeout: 5s, maxStreamsPerClient: 2 }
          retry: { maxAttempts: 1, initialBackoff: 1ms, maxBackoff: 2ms }
          timeout: { scan: 1s, download: 2s }
          parallelDownloads: 2
          compression: false
          watchDestinations: false
          maxManifestBytes: 1000
          prefetch: false
          prescan: true
        auth: { token: t }
        tls: { enabled: true, certPath: c, keyPath: k, caPath: a }
        metrics: { enabled: false, requireAuth: true }
        cluster: { name: n, members: [m], port: 3 }
        """);
    NodeConfig candidate = ConfigLoader.load(changedEverything, Map.of());
    assertEquals(ConfigLoader.KEYS, ConfigLoader.diff(current, candidate), "the fixture must change every key");

    ConfigLoader.Reload r = ConfigLoader.applyReload(current, candidate);
    assertEquals(ConfigLoader.HOT_KEYS, Set.copyOf(r.applied()));
    assertEquals(ConfigLoader.RESTART_KEYS, Set.copyOf(r.ignored()));
    Map<String, Object> result = ConfigKeys.flatten(r.config());
    Map<String, Object> cur = ConfigKeys.flatten(current);
    Map<String, Object> cand = ConfigKeys.flatten(candidate);
    for (String k : ConfigLoader.KEYS) {
      assertEquals(ConfigLoader.HOT_KEYS.contains(k) ? cand.get(k) : cur.get(k), result.get(k), k);
    }
  }

  @Test
  void applyReloadWithOnlyRestartKeysKeepsTheCurrentConfig() {
    NodeConfig current = NodeConfig.defaults();
    NodeConfig candidate = ConfigLoader.load(yaml("http: { port: 8001 }"), Map.of());
    ConfigLoader.Reload r = ConfigLoader.applyReload(current, candidate);
    assertSame(current, r.config());
    assertFalse(r.changed());
    assertEquals(List.of("http.port"), r.ignored());
  }
}
