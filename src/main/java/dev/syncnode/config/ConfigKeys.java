package dev.syncnode.config;

import dev.syncnode.config.NodeConfig.Endpoint;
import dev.syncnode.config.NodeConfig.GrpcLimits;
import dev.syncnode.config.NodeConfig.HttpLimits;
import dev.syncnode.config.NodeConfig.Role;
import dev.syncnode.config.NodeConfig.Sync;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Every config key, declared once: path, default, parser, hot or not, one line of help. Loading,
 * flattening, environment names and hotness all come from {@link #ALL}; the README's config table is
 * checked against it by a test.
 *
 * <p>A key's path is its place in the {@link NodeConfig} record tree ({@code sync.http.queueSize} is
 * {@code sync().http().queueSize()}), so records are built and read by their components: a key is
 * added by adding the record component and one line here, in the same order.
 */
public final class ConfigKeys {
  private ConfigKeys() {}

  /**
   * One leaf key. {@code workerDefault}: a worker's default where it differs from a master's (else
   * null); {@code hot}: a running node takes a changed value on reload, else it needs a restart.
   */
  public record Key(String path, Object def, Object workerDefault, Function<Object, ?> parser, boolean hot,
      String help) {
    public String envName() {
      return ConfigLoader.envName(path);
    }

    /** The default given the values loaded so far (node.role comes first). */
    Object defaultIn(Map<String, Object> loaded) {
      return workerDefault != null && loaded.get("node.role") == Role.WORKER ? workerDefault : def;
    }
  }

  private static Key restart(String path, Object def, Function<Object, ?> parser, String help) {
    return new Key(path, def, null, parser, false, help);
  }

  private static Key hot(String path, Object def, Function<Object, ?> parser, String help) {
    return new Key(path, def, null, parser, true, help);
  }

  private static List<Key> endpoint(String name, int port, Duration idleTimeout) {
    return List.of(
        restart(name + ".host", "0.0.0.0", ValueParsers::nonBlank, "address to listen on"),
        restart(name + ".port", port, ValueParsers::port, "port to listen on (0: any free port)"),
        restart(name + ".idleTimeout", idleTimeout, ValueParsers::duration,
            "a connection silent this long is closed (0: never)"),
        restart(name + ".headerTimeout", Endpoint.DEFAULT_HEADER_TIMEOUT, ValueParsers::positiveDuration,
            "a new connection must send a complete request within this"),
        restart(name + ".maxConnections", Endpoint.DEFAULT_MAX_CONNECTIONS, ValueParsers::positive,
            "open connections at most; new ones beyond are closed at once"),
        restart(name + ".maxConnectionsPerClient", Endpoint.DEFAULT_MAX_CONNECTIONS_PER_CLIENT,
            ValueParsers::positive, "open connections per remote address at most"),
        restart(name + ".maxStreamsPerConnection", Endpoint.DEFAULT_MAX_STREAMS_PER_CONNECTION,
            ValueParsers::positive, "HTTP/2 concurrent streams per connection"));
  }

  /** Keys and lists of keys (an endpoint's), as one list. */
  private static List<Key> keys(Object... keysOrLists) {
    return Stream.of(keysOrLists)
        .flatMap(o -> o instanceof List<?> l ? l.stream() : Stream.of(o))
        .map(Key.class::cast)
        .toList();
  }

  /** Every key, in the order of the NodeConfig record components (file order). */
  public static final List<Key> ALL = keys(
      restart("node.role", Role.MASTER, ValueParsers::role, "master or worker"),
      new Key("node.key", "node-1", NodeConfig.WORKER_NODE.key(), ValueParsers::nonBlank, false, "unique node key"),
      new Key("node.workspace", "data/workspace", NodeConfig.WORKER_NODE.workspace(), ValueParsers::nonBlank, false,
          "master: spiders at <workspace>/<spiderId>/; worker: its mirror root"),
      endpoint("http", 8000, Endpoint.DEFAULT_IDLE_TIMEOUT),
      endpoint("grpc", 9666, Duration.ofMinutes(5)),
      restart("master.grpc", "127.0.0.1:9666", ValueParsers::hostPort, "worker: the master's gRPC HOST:PORT"),
      restart("master.http", "http://127.0.0.1:8000", ValueParsers::httpUrl, "worker: the master's HTTP base URL"),
      hot("sync.useGrpc", true, ValueParsers::bool, "worker: sync over gRPC (else HTTP)"),
      hot("sync.grpcCacheTtl", Duration.ofSeconds(60), ValueParsers::duration, "master: manifest cache lifetime"),
      hot("sync.grpcChunkSize", 100, ValueParsers::positive, "manifest entries per gRPC chunk"),
      hot("sync.ignore", NodeConfig.DEFAULT_IGNORE, ValueParsers::stringList, "gitignore-like patterns not synced"),
      hot("sync.http.scanMaxConcurrent", 10, ValueParsers::positive, "master: HTTP scans at once"),
      hot("sync.http.downloadMaxConcurrent", 16, ValueParsers::positive, "master: HTTP downloads at once"),
      hot("sync.http.queueSize", 100, ValueParsers::positive, "master: HTTP requests waiting for a slot"),
      hot("sync.http.minRate", HttpLimits.DEFAULT_MIN_RATE, ValueParsers::nonNegative,
          "bytes/s: a slower download loses its slot while others wait (0: off)"),
      hot("sync.http.minRateWindow", HttpLimits.DEFAULT_MIN_RATE_WINDOW, ValueParsers::positiveDuration,
          "the window minRate is measured over"),
      hot("sync.http.queueTimeout", HttpLimits.DEFAULT_QUEUE_TIMEOUT, ValueParsers::positiveDuration,
          "a request queued this long gets 503 + Retry-After"),
      hot("sync.retry.maxAttempts", 5, ValueParsers::positive, "worker: attempts per request"),
      hot("sync.retry.initialBackoff", Duration.ofMillis(200), ValueParsers::positiveDuration,
          "worker: first wait between attempts"),
      hot("sync.retry.maxBackoff", Duration.ofSeconds(5), ValueParsers::positiveDuration,
          "worker: longest wait between attempts"),
      hot("sync.timeout.scan", Duration.ofMinutes(5), ValueParsers::positiveDuration, "worker: manifest fetch"),
      hot("sync.timeout.download", Duration.ofMinutes(2), ValueParsers::positiveDuration, "worker: one download"),
      hot("sync.parallelDownloads", Sync.DEFAULT_PARALLEL_DOWNLOADS, ValueParsers::positive,
          "worker: large files downloaded at the same time"),
      hot("sync.compression", true, ValueParsers::bool, "worker: accept compressed file pieces"),
      hot("sync.watchDestinations", true, ValueParsers::bool, "worker: inotify lets a no-change sync skip a walk"),
      hot("sync.maxManifestBytes", Sync.DEFAULT_MAX_MANIFEST_BYTES, ValueParsers::positiveLong,
          "worker: most a master's manifest may cost"),
      hot("sync.grpc.maxStreams", GrpcLimits.DEFAULTS.maxStreams(), ValueParsers::positive,
          "master: gRPC download streams at once"),
      hot("sync.grpc.sendBudget", GrpcLimits.DEFAULTS.sendBudget(), ValueParsers::positiveLong,
          "master: bytes read but not yet taken by clients, all streams together"),
      hot("sync.grpc.stallTimeout", GrpcLimits.DEFAULTS.stallTimeout(), ValueParsers::positiveDuration,
          "master: a stream whose client takes nothing this long is cancelled"),
      hot("sync.grpc.maxStreamsPerClient", GrpcLimits.DEFAULTS.maxStreamsPerClient(), ValueParsers::positive,
          "master: gRPC download streams from one address at once"),
      hot("sync.prefetch", true, ValueParsers::bool,
          "worker, cluster mode: re-sync a spider it holds when the master announces a change"),
      hot("sync.prescan", false, ValueParsers::bool,
          "master: scan each spider before workers ask (at start, and once its changes settle)"),
      hot("auth.token", "", ValueParsers::string, "bearer token for gRPC and /api/* (empty: no auth)"),
      restart("tls.enabled", false, ValueParsers::bool, "serve both ports over TLS"),
      restart("tls.certPath", "", ValueParsers::string, "certificate (PEM)"),
      restart("tls.keyPath", "", ValueParsers::string, "private key (PEM)"),
      restart("tls.caPath", "", ValueParsers::string, "worker: CA (PEM) the master must chain to"),
      restart("metrics.enabled", true, ValueParsers::bool, "serve GET /metrics"),
      restart("metrics.requireAuth", false, ValueParsers::bool, "GET /metrics needs the bearer token too"),
      restart("cluster.name", "syncnode", ValueParsers::nonBlank, "cluster name (with -cluster)"),
      restart("cluster.members", List.of("127.0.0.1"), ValueParsers::stringList, "cluster member addresses"),
      restart("cluster.port", 5701, ValueParsers::port, "cluster port"));

  /** Every key's (master) default. */
  static final NodeConfig DEFAULTS = build(
      ALL.stream().collect(LinkedHashMap::new, (m, k) -> m.put(k.path(), k.def()), Map::putAll));

  static {
    List<String> leaves = List.copyOf(flatten(DEFAULTS).keySet());
    if (!leaves.equals(ALL.stream().map(Key::path).toList())) {
      throw new IllegalStateException("ConfigKeys.ALL does not match the NodeConfig records: " + leaves);
    }
  }

  /** The config whose leaf at each key's path is {@code values.get(path)}. */
  static NodeConfig build(Map<String, Object> values) {
    return (NodeConfig) build(NodeConfig.class, "", values);
  }

  /** Dotted leaf path to value (Durations, Lists, enums kept as objects), in key order. */
  static Map<String, Object> flatten(NodeConfig c) {
    Map<String, Object> out = new LinkedHashMap<>();
    flatten(c, "", out);
    return out;
  }

  private static Object build(Class<?> type, String prefix, Map<String, Object> values) {
    RecordComponent[] cs = type.getRecordComponents();
    Class<?>[] types = new Class<?>[cs.length];
    Object[] args = new Object[cs.length];
    for (int i = 0; i < cs.length; i++) {
      types[i] = cs[i].getType();
      String path = prefix + cs[i].getName();
      args[i] = types[i].isRecord() ? build(types[i], path + ".", values) : values.get(path);
    }
    try {
      return type.getDeclaredConstructor(types).newInstance(args);
    } catch (InvocationTargetException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    } catch (ReflectiveOperationException | IllegalArgumentException e) {
      throw new IllegalStateException("cannot build " + type.getSimpleName() + " from " + values, e);
    }
  }

  private static void flatten(Record r, String prefix, Map<String, Object> out) {
    for (RecordComponent c : r.getClass().getRecordComponents()) {
      Object v;
      try {
        v = c.getAccessor().invoke(r);
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(e);
      }
      if (v instanceof Record sub) {
        flatten(sub, prefix + c.getName() + ".", out);
      } else {
        out.put(prefix + c.getName(), v);
      }
    }
  }
}
