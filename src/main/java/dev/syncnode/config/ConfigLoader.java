package dev.syncnode.config;

import dev.syncnode.config.NodeConfig.Auth;
import dev.syncnode.config.NodeConfig.Cluster;
import dev.syncnode.config.NodeConfig.Endpoint;
import dev.syncnode.config.NodeConfig.GrpcLimits;
import dev.syncnode.config.NodeConfig.HttpLimits;
import dev.syncnode.config.NodeConfig.Master;
import dev.syncnode.config.NodeConfig.Metrics;
import dev.syncnode.config.NodeConfig.Node;
import dev.syncnode.config.NodeConfig.Retry;
import dev.syncnode.config.NodeConfig.Role;
import dev.syncnode.config.NodeConfig.Sync;
import dev.syncnode.config.NodeConfig.Timeout;
import dev.syncnode.config.NodeConfig.Tls;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * Builds a validated {@link NodeConfig} from defaults, the YAML file (as a JsonObject) and environment
 * variables, and classifies changes between two configs for hot reload. Pure logic, no I/O.
 *
 * <p>Precedence: environment variable, then file, then default. The variable for a key is
 * {@code SYNCNODE_} + the dotted key upper-cased with dots as underscores ({@code sync.http.queueSize}
 * is {@code SYNCNODE_SYNC_HTTP_QUEUESIZE}); lists are comma-separated there.
 */
public final class ConfigLoader {
  private ConfigLoader() {}

  public static final String ENV_PREFIX = "SYNCNODE_";

  /** Every leaf key, in file order. */
  public static final List<String> KEYS = List.copyOf(flatten(NodeConfig.defaults()).keySet());

  /** Keys a running node picks up on reload: {@code sync.*} and {@code auth.token}. */
  public static final Set<String> HOT_KEYS =
      Set.copyOf(KEYS.stream().filter(k -> k.startsWith("sync.") || k.equals("auth.token")).toList());

  /** Keys that take effect only after a restart: everything else (node, http, grpc, master, tls, metrics, cluster). */
  public static final Set<String> RESTART_KEYS =
      Set.copyOf(KEYS.stream().filter(k -> !HOT_KEYS.contains(k)).toList());

  /** The outcome of {@link #applyReload}: the config to use now, keys taken over, keys left for a restart. */
  public record Reload(NodeConfig config, List<String> applied, List<String> ignored) {
    public boolean changed() {
      return !applied.isEmpty();
    }
  }

  /** The environment variable that overrides {@code key}. */
  public static String envName(String key) {
    return ENV_PREFIX + key.replace('.', '_').toUpperCase(Locale.ROOT);
  }

  /**
   * Defaults, overlaid with {@code raw} (the parsed YAML; may be null), overlaid with {@code env}.
   * Unknown keys are ignored (see {@link #unknownKeys}).
   *
   * @throws ConfigException naming the first invalid key
   */
  public static NodeConfig load(JsonObject raw, Map<String, String> env) {
    Source s = new Source(raw == null ? new JsonObject() : raw, env == null ? Map.of() : env);
    NodeConfig d = NodeConfig.defaults();

    Role role = s.get("node.role", d.node().role(), ConfigLoader::role);
    // a worker started from the master's file must not mirror into the master's spiders
    Node roleDefaults = role == Role.WORKER ? NodeConfig.WORKER_NODE : d.node();
    Node node = new Node(role,
        s.get("node.key", roleDefaults.key(), ConfigLoader::nonBlank),
        s.get("node.workspace", roleDefaults.workspace(), ConfigLoader::nonBlank));
    Endpoint http = new Endpoint(
        s.get("http.host", d.http().host(), ConfigLoader::nonBlank),
        s.get("http.port", d.http().port(), ConfigLoader::port),
        s.get("http.idleTimeout", d.http().idleTimeout(), ConfigLoader::duration),
        s.get("http.headerTimeout", d.http().headerTimeout(), ConfigLoader::positiveDuration),
        s.get("http.maxConnections", d.http().maxConnections(), ConfigLoader::positive),
        s.get("http.maxConnectionsPerClient", d.http().maxConnectionsPerClient(), ConfigLoader::positive),
        s.get("http.maxStreamsPerConnection", d.http().maxStreamsPerConnection(), ConfigLoader::positive));
    Endpoint grpc = new Endpoint(
        s.get("grpc.host", d.grpc().host(), ConfigLoader::nonBlank),
        s.get("grpc.port", d.grpc().port(), ConfigLoader::port),
        s.get("grpc.idleTimeout", d.grpc().idleTimeout(), ConfigLoader::duration),
        s.get("grpc.headerTimeout", d.grpc().headerTimeout(), ConfigLoader::positiveDuration),
        s.get("grpc.maxConnections", d.grpc().maxConnections(), ConfigLoader::positive),
        s.get("grpc.maxConnectionsPerClient", d.grpc().maxConnectionsPerClient(), ConfigLoader::positive),
        s.get("grpc.maxStreamsPerConnection", d.grpc().maxStreamsPerConnection(), ConfigLoader::positive));
    Master master = new Master(
        s.get("master.grpc", d.master().grpc(), ConfigLoader::hostPort),
        s.get("master.http", d.master().http(), ConfigLoader::httpUrl));

    Sync ds = d.sync();
    Retry retry = new Retry(
        s.get("sync.retry.maxAttempts", ds.retry().maxAttempts(), ConfigLoader::positive),
        s.get("sync.retry.initialBackoff", ds.retry().initialBackoff(), ConfigLoader::positiveDuration),
        s.get("sync.retry.maxBackoff", ds.retry().maxBackoff(), ConfigLoader::positiveDuration));
    if (retry.maxBackoff().compareTo(retry.initialBackoff()) < 0) {
      throw new ConfigException("sync.retry.maxBackoff", "must not be shorter than sync.retry.initialBackoff ("
          + Durations.format(retry.initialBackoff()) + ")");
    }
    Sync sync = new Sync(
        s.get("sync.useGrpc", ds.useGrpc(), ConfigLoader::bool),
        s.get("sync.grpcCacheTtl", ds.grpcCacheTtl(), ConfigLoader::duration),
        s.get("sync.grpcChunkSize", ds.grpcChunkSize(), ConfigLoader::positive),
        s.get("sync.ignore", ds.ignore(), ConfigLoader::stringList),
        new HttpLimits(
            s.get("sync.http.scanMaxConcurrent", ds.http().scanMaxConcurrent(), ConfigLoader::positive),
            s.get("sync.http.downloadMaxConcurrent", ds.http().downloadMaxConcurrent(), ConfigLoader::positive),
            s.get("sync.http.queueSize", ds.http().queueSize(), ConfigLoader::positive),
            s.get("sync.http.minRate", ds.http().minRate(), ConfigLoader::nonNegative),
            s.get("sync.http.minRateWindow", ds.http().minRateWindow(), ConfigLoader::positiveDuration),
            s.get("sync.http.queueTimeout", ds.http().queueTimeout(), ConfigLoader::positiveDuration)),
        retry,
        new Timeout(
            s.get("sync.timeout.scan", ds.timeout().scan(), ConfigLoader::positiveDuration),
            s.get("sync.timeout.download", ds.timeout().download(), ConfigLoader::positiveDuration)),
        s.get("sync.parallelDownloads", ds.parallelDownloads(), ConfigLoader::positive),
        s.get("sync.compression", ds.compression(), ConfigLoader::bool),
        s.get("sync.watchDestinations", ds.watchDestinations(), ConfigLoader::bool),
        s.get("sync.maxManifestBytes", ds.maxManifestBytes(), ConfigLoader::positiveLong),
        new GrpcLimits(
            s.get("sync.grpc.maxStreams", ds.grpc().maxStreams(), ConfigLoader::positive),
            s.get("sync.grpc.sendBudget", ds.grpc().sendBudget(), ConfigLoader::positiveLong),
            s.get("sync.grpc.stallTimeout", ds.grpc().stallTimeout(), ConfigLoader::positiveDuration),
            s.get("sync.grpc.maxStreamsPerClient", ds.grpc().maxStreamsPerClient(), ConfigLoader::positive)));

    Auth auth = new Auth(s.get("auth.token", d.auth().token(), ConfigLoader::string));
    Tls tls = new Tls(
        s.get("tls.enabled", d.tls().enabled(), ConfigLoader::bool),
        s.get("tls.certPath", d.tls().certPath(), ConfigLoader::string),
        s.get("tls.keyPath", d.tls().keyPath(), ConfigLoader::string),
        s.get("tls.caPath", d.tls().caPath(), ConfigLoader::string));
    Metrics metrics = new Metrics(
        s.get("metrics.enabled", d.metrics().enabled(), ConfigLoader::bool),
        s.get("metrics.requireAuth", d.metrics().requireAuth(), ConfigLoader::bool));
    Cluster cluster = new Cluster(
        s.get("cluster.name", d.cluster().name(), ConfigLoader::nonBlank),
        s.get("cluster.members", d.cluster().members(), ConfigLoader::stringList),
        s.get("cluster.port", d.cluster().port(), ConfigLoader::port));

    return new NodeConfig(node, http, grpc, master, sync, auth, tls, metrics, cluster);
  }

  /**
   * Keys in {@code raw} and {@code SYNCNODE_*} variables in {@code env} that mean nothing here
   * (typos, mostly). Worth a warning, never an error.
   */
  public static List<String> unknownKeys(JsonObject raw, Map<String, String> env) {
    List<String> out = new ArrayList<>();
    if (raw != null) {
      collectUnknown("", raw.getMap(), out);
    }
    if (env != null) {
      Set<String> known = new LinkedHashSet<>();
      KEYS.forEach(k -> known.add(envName(k)));
      env.keySet().stream()
          .filter(n -> n.startsWith(ENV_PREFIX) && !known.contains(n))
          .sorted()
          .forEach(out::add);
    }
    return out;
  }

  /** Every leaf key whose value differs between {@code a} and {@code b}, in file order. */
  public static List<String> diff(NodeConfig a, NodeConfig b) {
    Map<String, Object> fa = flatten(a);
    Map<String, Object> fb = flatten(b);
    List<String> changed = new ArrayList<>();
    for (String k : KEYS) {
      if (!Objects.equals(fa.get(k), fb.get(k))) {
        changed.add(k);
      }
    }
    return changed;
  }

  /**
   * What a running node does with a new valid config: hot keys ({@link #HOT_KEYS}) come from
   * {@code candidate}, restart keys stay as in {@code current}.
   */
  public static Reload applyReload(NodeConfig current, NodeConfig candidate) {
    List<String> applied = new ArrayList<>();
    List<String> ignored = new ArrayList<>();
    for (String k : diff(current, candidate)) {
      (HOT_KEYS.contains(k) ? applied : ignored).add(k);
    }
    NodeConfig next = applied.isEmpty()
        ? current
        : current.withSync(candidate.sync()).withAuth(candidate.auth());
    return new Reload(next, List.copyOf(applied), List.copyOf(ignored));
  }

  /** The config as dotted leaf key to value (Durations, Lists, enums kept as objects). */
  public static Map<String, Object> flatten(NodeConfig c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("node.role", c.node().role());
    m.put("node.key", c.node().key());
    m.put("node.workspace", c.node().workspace());
    m.put("http.host", c.http().host());
    m.put("http.port", c.http().port());
    m.put("http.idleTimeout", c.http().idleTimeout());
    m.put("http.headerTimeout", c.http().headerTimeout());
    m.put("http.maxConnections", c.http().maxConnections());
    m.put("http.maxConnectionsPerClient", c.http().maxConnectionsPerClient());
    m.put("http.maxStreamsPerConnection", c.http().maxStreamsPerConnection());
    m.put("grpc.host", c.grpc().host());
    m.put("grpc.port", c.grpc().port());
    m.put("grpc.idleTimeout", c.grpc().idleTimeout());
    m.put("grpc.headerTimeout", c.grpc().headerTimeout());
    m.put("grpc.maxConnections", c.grpc().maxConnections());
    m.put("grpc.maxConnectionsPerClient", c.grpc().maxConnectionsPerClient());
    m.put("grpc.maxStreamsPerConnection", c.grpc().maxStreamsPerConnection());
    m.put("master.grpc", c.master().grpc());
    m.put("master.http", c.master().http());
    Sync s = c.sync();
    m.put("sync.useGrpc", s.useGrpc());
    m.put("sync.grpcCacheTtl", s.grpcCacheTtl());
    m.put("sync.grpcChunkSize", s.grpcChunkSize());
    m.put("sync.ignore", s.ignore());
    m.put("sync.http.scanMaxConcurrent", s.http().scanMaxConcurrent());
    m.put("sync.http.downloadMaxConcurrent", s.http().downloadMaxConcurrent());
    m.put("sync.http.queueSize", s.http().queueSize());
    m.put("sync.http.minRate", s.http().minRate());
    m.put("sync.http.minRateWindow", s.http().minRateWindow());
    m.put("sync.http.queueTimeout", s.http().queueTimeout());
    m.put("sync.retry.maxAttempts", s.retry().maxAttempts());
    m.put("sync.retry.initialBackoff", s.retry().initialBackoff());
    m.put("sync.retry.maxBackoff", s.retry().maxBackoff());
    m.put("sync.timeout.scan", s.timeout().scan());
    m.put("sync.timeout.download", s.timeout().download());
    m.put("sync.parallelDownloads", s.parallelDownloads());
    m.put("sync.compression", s.compression());
    m.put("sync.watchDestinations", s.watchDestinations());
    m.put("sync.maxManifestBytes", s.maxManifestBytes());
    m.put("sync.grpc.maxStreams", s.grpc().maxStreams());
    m.put("sync.grpc.sendBudget", s.grpc().sendBudget());
    m.put("sync.grpc.stallTimeout", s.grpc().stallTimeout());
    m.put("sync.grpc.maxStreamsPerClient", s.grpc().maxStreamsPerClient());
    m.put("auth.token", c.auth().token());
    m.put("tls.enabled", c.tls().enabled());
    m.put("tls.certPath", c.tls().certPath());
    m.put("tls.keyPath", c.tls().keyPath());
    m.put("tls.caPath", c.tls().caPath());
    m.put("metrics.enabled", c.metrics().enabled());
    m.put("metrics.requireAuth", c.metrics().requireAuth());
    m.put("cluster.name", c.cluster().name());
    m.put("cluster.members", c.cluster().members());
    m.put("cluster.port", c.cluster().port());
    return m;
  }

  // ---------------------------------------------------------------------------------------------

  /** Looks a key up in env first, then in the file tree. */
  private record Source(JsonObject raw, Map<String, String> env) {
    <T> T get(String key, T def, Function<Object, T> convert) {
      boolean fromEnv = env.containsKey(envName(key));
      Object v = fromEnv ? env.get(envName(key)) : fromFile(key);
      if (v == null) {
        return def;
      }
      try {
        return convert.apply(v);
      } catch (IllegalArgumentException e) {
        // the file may say something else: name where the bad value came from
        throw new ConfigException(key, e.getMessage() + (fromEnv ? " (from the environment variable "
            + envName(key) + ")" : ""), e);
      }
    }

    private Object fromFile(String key) {
      String[] parts = key.split("\\.");
      Object node = raw.getMap();
      StringBuilder path = new StringBuilder();
      for (String p : parts) {
        if (node == null) {
          return null;
        }
        if (node instanceof JsonObject j) {
          node = j.getMap();
        }
        if (!(node instanceof Map<?, ?> map)) {
          throw new ConfigException(path.toString(), "expected a mapping (key: value), got " + describe(node));
        }
        node = map.get(p);
        path.append(path.length() == 0 ? "" : ".").append(p);
      }
      if (node instanceof JsonObject || node instanceof Map) {
        throw new ConfigException(key, "expected a value, got a mapping");
      }
      return node;
    }
  }

  private static void collectUnknown(String prefix, Map<String, Object> map, List<String> out) {
    for (Map.Entry<String, Object> e : map.entrySet()) {
      String key = prefix + e.getKey();
      Object v = e.getValue() instanceof JsonObject j ? j.getMap() : e.getValue();
      if (KEYS.contains(key)) {
        continue;
      }
      boolean section = KEYS.stream().anyMatch(k -> k.startsWith(key + "."));
      if (section && v instanceof Map<?, ?> m) {
        @SuppressWarnings("unchecked")
        Map<String, Object> sub = (Map<String, Object>) m;
        collectUnknown(key + ".", sub, out);
      } else if (!section) {
        out.add(key);
      }
    }
  }

  // Converters: each throws IllegalArgumentException with a message; the caller adds the key.

  private static String describe(Object v) {
    if (v instanceof String s) {
      return "\"" + s + "\"";
    }
    if (v instanceof Map || v instanceof JsonObject) {
      return "a mapping";
    }
    if (v instanceof List || v instanceof JsonArray) {
      return "a list";
    }
    return String.valueOf(v);
  }

  private static String string(Object v) {
    if (v instanceof String s) {
      return s;
    }
    if (v instanceof Number || v instanceof Boolean) {
      return v.toString();
    }
    throw new IllegalArgumentException("expected a string, got " + describe(v));
  }

  private static String nonBlank(Object v) {
    String s = string(v).trim();
    if (s.isEmpty()) {
      throw new IllegalArgumentException("must not be empty");
    }
    return s;
  }

  private static long integer(Object v) {
    if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
      return ((Number) v).longValue();
    }
    if (v instanceof String s) {
      try {
        return Long.parseLong(s.trim());
      } catch (NumberFormatException e) {
        // fall through
      }
    }
    throw new IllegalArgumentException("expected a whole number, got " + describe(v));
  }

  private static int positive(Object v) {
    long n = integer(v);
    if (n < 1 || n > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("must be a positive number, got " + n);
    }
    return (int) n;
  }

  private static long nonNegative(Object v) {
    long n = integer(v);
    if (n < 0) {
      throw new IllegalArgumentException("must not be negative, got " + n);
    }
    return n;
  }

  private static long positiveLong(Object v) {
    long n = integer(v);
    if (n < 1) {
      throw new IllegalArgumentException("must be a positive number, got " + n);
    }
    return n;
  }

  private static int port(Object v) {
    long n = integer(v);
    if (n < 0 || n > 65535) {
      throw new IllegalArgumentException("port must be between 0 and 65535 (0: any free port), got " + n);
    }
    return (int) n;
  }

  private static boolean bool(Object v) {
    if (v instanceof Boolean b) {
      return b;
    }
    if (v instanceof String s) {
      String t = s.trim().toLowerCase(Locale.ROOT);
      if (t.equals("true")) {
        return true;
      }
      if (t.equals("false")) {
        return false;
      }
    }
    throw new IllegalArgumentException("expected true or false, got " + describe(v));
  }

  private static Duration duration(Object v) {
    if (v instanceof Integer || v instanceof Long) {
      long ms = ((Number) v).longValue();
      if (ms < 0) {
        throw new IllegalArgumentException("must not be negative, got " + ms);
      }
      return Duration.ofMillis(ms);
    }
    if (v instanceof String s) {
      return Durations.parse(s);
    }
    throw new IllegalArgumentException("expected a duration such as 250ms, 60s or 5m, got " + describe(v));
  }

  private static Duration positiveDuration(Object v) {
    Duration d = duration(v);
    if (d.isZero()) {
      throw new IllegalArgumentException("must be longer than 0");
    }
    return d;
  }

  private static List<String> stringList(Object v) {
    List<?> items;
    if (v instanceof String s) {
      items = List.of(s.split(","));
    } else if (v instanceof JsonArray a) {
      items = a.getList();
    } else if (v instanceof List<?> l) {
      items = l;
    } else {
      throw new IllegalArgumentException("expected a list, got " + describe(v));
    }
    List<String> out = new ArrayList<>();
    for (Object item : items) {
      if (item == null) {
        continue;
      }
      String s = string(item).trim();
      if (!s.isEmpty()) {
        out.add(s);
      }
    }
    return List.copyOf(out);
  }

  private static Role role(Object v) {
    String s = string(v).trim().toLowerCase(Locale.ROOT);
    return switch (s) {
      case "master" -> Role.MASTER;
      case "worker" -> Role.WORKER;
      default -> throw new IllegalArgumentException("unknown role " + describe(v) + " (expected master or worker)");
    };
  }

  private static String hostPort(Object v) {
    String s = nonBlank(v);
    int colon = s.lastIndexOf(':');
    String host = colon > 0 ? s.substring(0, colon) : "";
    long port = -1;
    if (colon > 0) {
      try {
        port = Long.parseLong(s.substring(colon + 1));
      } catch (NumberFormatException e) {
        // reported below
      }
    }
    if (host.isBlank() || port < 1 || port > 65535) {
      throw new IllegalArgumentException("expected HOST:PORT with a port between 1 and 65535, got " + describe(v));
    }
    return s;
  }

  private static String httpUrl(Object v) {
    String s = nonBlank(v);
    try {
      URI u = new URI(s);
      String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
      if ((scheme.equals("http") || scheme.equals("https")) && u.getHost() != null) {
        return s;
      }
    } catch (java.net.URISyntaxException e) {
      // reported below
    }
    throw new IllegalArgumentException("expected an http:// or https:// URL, got " + describe(v));
  }
}
