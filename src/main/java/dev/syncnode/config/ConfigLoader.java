package dev.syncnode.config;

import dev.syncnode.config.ConfigKeys.Key;
import dev.syncnode.config.NodeConfig.Retry;
import io.vertx.core.json.JsonObject;
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
 * variables, and classifies changes between two configs for hot reload, all by the keys of
 * {@link ConfigKeys}. Pure logic, no I/O.
 *
 * <p>Precedence: environment variable, then file, then default. The variable for a key is
 * {@code SYNCNODE_} + the dotted key upper-cased with dots as underscores ({@code sync.http.queueSize}
 * is {@code SYNCNODE_SYNC_HTTP_QUEUESIZE}); lists are comma-separated there.
 */
public final class ConfigLoader {
  private ConfigLoader() {}

  public static final String ENV_PREFIX = "SYNCNODE_";

  /** Every leaf key, in file order. */
  public static final List<String> KEYS = ConfigKeys.ALL.stream().map(Key::path).toList();

  /** Keys a running node picks up on reload: those declared hot ({@code sync.*}, {@code auth.token}). */
  public static final Set<String> HOT_KEYS =
      Set.copyOf(ConfigKeys.ALL.stream().filter(Key::hot).map(Key::path).toList());

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
    Map<String, Object> values = new LinkedHashMap<>();
    for (Key k : ConfigKeys.ALL) {
      // a worker started from the master's file must not mirror into the master's spiders
      values.put(k.path(), s.get(k.path(), k.defaultIn(values), k.parser()));
    }
    NodeConfig config = ConfigKeys.build(values);
    Retry retry = config.sync().retry();
    if (retry.maxBackoff().compareTo(retry.initialBackoff()) < 0) {
      throw new ConfigException("sync.retry.maxBackoff", "must not be shorter than sync.retry.initialBackoff ("
          + Durations.format(retry.initialBackoff()) + ")");
    }
    return config;
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
    Map<String, Object> fa = ConfigKeys.flatten(a);
    Map<String, Object> fb = ConfigKeys.flatten(b);
    return KEYS.stream().filter(k -> !Objects.equals(fa.get(k), fb.get(k))).toList();
  }

  /**
   * What a running node does with a new valid config: hot keys ({@link #HOT_KEYS}) come from
   * {@code candidate}, restart keys stay as in {@code current}.
   */
  public static Reload applyReload(NodeConfig current, NodeConfig candidate) {
    List<String> applied = new ArrayList<>();
    List<String> ignored = new ArrayList<>();
    Map<String, Object> next = ConfigKeys.flatten(current);
    Map<String, Object> cand = ConfigKeys.flatten(candidate);
    for (String k : diff(current, candidate)) {
      if (HOT_KEYS.contains(k)) {
        applied.add(k);
        next.put(k, cand.get(k));
      } else {
        ignored.add(k);
      }
    }
    NodeConfig result = applied.isEmpty() ? current : ConfigKeys.build(next);
    return new Reload(result, List.copyOf(applied), List.copyOf(ignored));
  }

  // ---------------------------------------------------------------------------------------------

  /** Looks a key up in env first, then in the file tree. */
  private record Source(JsonObject raw, Map<String, String> env) {
    Object get(String key, Object def, Function<Object, ?> convert) {
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
          throw new ConfigException(path.toString(),
              "expected a mapping (key: value), got " + ValueParsers.describe(node));
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
}
