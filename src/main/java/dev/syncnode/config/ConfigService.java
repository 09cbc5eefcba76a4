package dev.syncnode.config;

import io.vertx.config.ConfigChange;
import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads the node config (defaults, YAML file, {@code SYNCNODE_*} environment) and keeps it current.
 *
 * <p>The file is read with a {@link ConfigRetriever} ("file" store, format
 * {@link YamlFileProcessor#FORMAT}) and re-read every scan period. A changed file is applied only once
 * the next scan reads it unchanged (so a half-written file is never applied, at the cost of one more
 * scan period); then its hot keys ({@link ConfigLoader#HOT_KEYS}) go into the {@link ConfigHolder} and
 * {@code config reloaded: <keys>} is logged; changed restart keys are logged as
 * {@code config change needs a restart, ignored: <keys>} and left alone. A file that cannot be read,
 * does not parse or holds an invalid value is logged (once) and the last good config stays. Reload work
 * runs on the Vert.x context that called {@link #start()}; logger {@code dev.syncnode.config}. A file
 * that disappears (deleted, or mid-replacement for longer than two scans) is one warning; the config
 * stays, and the file is read as an edit once it is back ({@link ConfigFileStore}).
 */
public final class ConfigService {
  /** Deployment config key: the config file path (YAML, or JSON when it ends with .json). */
  public static final String CONFIG_PATH_KEY = "configPath";
  /** Optional deployment config key: the file scan period in ms (default {@value #DEFAULT_SCAN_PERIOD_MS}). */
  public static final String SCAN_PERIOD_KEY = "configScanPeriodMs";

  public static final long DEFAULT_SCAN_PERIOD_MS = 1000;

  private static final Logger LOG = LoggerFactory.getLogger("dev.syncnode.config");

  private final Vertx vertx;
  private final String path;
  private final JsonObject inline;
  private final long scanPeriodMs;
  private final Map<String, String> env;
  private final List<Consumer<NodeConfig>> reloadListeners = new CopyOnWriteArrayList<>();
  private final List<Consumer<ConfigException>> errorListeners = new CopyOnWriteArrayList<>();

  private volatile ConfigHolder holder;
  private ConfigRetriever retriever;

  // Reload state; only touched on the retriever's context.
  private JsonObject pending;
  private int scansSincePending;
  private boolean errorSinceLastScan;
  private String lastError;
  private boolean missing;

  /**
   * Config from {@code path} (null: defaults and environment only) with an explicit environment
   * (tests). A scan period of 0 turns hot reload off.
   */
  public ConfigService(Vertx vertx, String path, long scanPeriodMs, Map<String, String> env) {
    this(vertx, path, null, scanPeriodMs, env);
  }

  private ConfigService(Vertx vertx, String path, JsonObject inline, long scanPeriodMs, Map<String, String> env) {
    this.vertx = vertx;
    this.path = path == null ? null : Path.of(path).toAbsolutePath().toString();
    this.inline = inline == null ? new JsonObject() : inline;
    this.scanPeriodMs = scanPeriodMs;
    this.env = Map.copyOf(env);
  }

  /**
   * For the main verticle: its deployment config either names a file ({@value #CONFIG_PATH_KEY}, as
   * {@code dev.syncnode.Main} passes a YAML {@code -conf}) or is itself the node config (a JSON
   * {@code -conf}, no hot reload).
   */
  public static ConfigService fromDeploymentConfig(Vertx vertx, JsonObject deploymentConfig) {
    JsonObject conf = deploymentConfig == null ? new JsonObject() : deploymentConfig;
    String path = conf.getString(CONFIG_PATH_KEY);
    long scan = conf.getLong(SCAN_PERIOD_KEY, DEFAULT_SCAN_PERIOD_MS);
    JsonObject inline = conf.copy();
    inline.remove(SCAN_PERIOD_KEY);
    return new ConfigService(vertx, path, path == null ? inline : null, scan, System.getenv());
  }

  /**
   * The config {@link #fromDeploymentConfig} would start with, computed synchronously (blocking file
   * read). For use before Vert.x runs, e.g. to refuse to start on a bad config.
   *
   * @throws ConfigException when the file or a value is invalid
   */
  public static NodeConfig loadNow(JsonObject deploymentConfig, Map<String, String> env) {
    JsonObject conf = deploymentConfig == null ? new JsonObject() : deploymentConfig;
    String path = conf.getString(CONFIG_PATH_KEY);
    JsonObject raw = path == null ? conf : YamlConfig.read(Path.of(path));
    return ConfigLoader.load(raw, env);
  }

  /** Loads the initial config; fails with a {@link ConfigException} when it is invalid. */
  public Future<ConfigHolder> start() {
    if (path == null) {
      try {
        NodeConfig config = ConfigLoader.load(inline, env);
        warnUnknown(inline, env);
        holder = new ConfigHolder(config);
        return Future.succeededFuture(holder);
      } catch (ConfigException e) {
        return Future.failedFuture(e);
      }
    }
    ConfigStoreOptions store = new ConfigStoreOptions()
        .setType(ConfigFileStore.TYPE)
        .setFormat(YamlFileProcessor.FORMAT)
        .setConfig(new JsonObject().put("path", path));
    retriever = ConfigRetriever.create(vertx, new ConfigRetrieverOptions()
        .setIncludeDefaultStores(false)
        .addStore(store)
        .setScanPeriod(scanPeriodMs));
    retriever.listen(this::changed);
    retriever.configStream().exceptionHandler(this::scanFailed);
    retriever.setBeforeScanHandler(v -> beforeScan());
    return retriever.getConfig()
        .recover(t -> Future.failedFuture(fileError(t)))
        .map(raw -> {
          NodeConfig config = load(raw);
          warnUnknown(raw, env);
          holder = new ConfigHolder(config);
          LOG.info("config loaded from {}", path);
          return holder;
        })
        .onFailure(t -> stop());
  }

  /** The live config; null until {@link #start()} succeeded. */
  public ConfigHolder holder() {
    return holder;
  }

  /** Called (on the Vert.x context) with the new config after a reload changed at least one key. */
  public ConfigService onReload(Consumer<NodeConfig> listener) {
    reloadListeners.add(listener);
    return this;
  }

  /** Called (on the Vert.x context) when a changed file was rejected and the last good config kept. */
  public ConfigService onError(Consumer<ConfigException> listener) {
    errorListeners.add(listener);
    return this;
  }

  /** Stops watching the file. */
  public Future<Void> stop() {
    ConfigRetriever r = retriever;
    retriever = null;
    return r == null ? Future.succeededFuture() : r.close();
  }

  // ---------------------------------------------------------------------------------------------

  private void changed(ConfigChange change) {
    pending = change.getNewConfiguration();
    scansSincePending = 0;
  }

  private void scanFailed(Throwable t) {
    errorSinceLastScan = true;
    scansSincePending = 0; // a pending change waits for a clean read again
    reject(fileError(t));
  }

  private void beforeScan() {
    if (!errorSinceLastScan) {
      lastError = null; // the previous scan read the file fine: report the next error again
    }
    errorSinceLastScan = false;
    if (pending != null && holder != null && ++scansSincePending >= 2) {
      JsonObject raw = pending;
      pending = null;
      apply(raw);
    }
  }

  private void apply(JsonObject raw) {
    if (raw.containsKey(YamlFileProcessor.MISSING_KEY)) {
      if (!missing) {
        missing = true;
        LOG.warn("config file {} is gone: keeping the current config, and reading the file again once it is back",
            path);
      }
      return;
    }
    if (missing) {
      missing = false;
      LOG.info("config file {} is back", path);
    }
    NodeConfig candidate;
    try {
      candidate = load(raw);
    } catch (ConfigException e) {
      reject(e);
      return;
    }
    warnUnknown(raw, Map.of());
    ConfigLoader.Reload reload = ConfigLoader.applyReload(holder.get(), candidate);
    if (!reload.ignored().isEmpty()) {
      LOG.warn("config change needs a restart, ignored: {}", String.join(", ", reload.ignored()));
    }
    if (reload.changed()) {
      // logged first: whoever sees the new config can also find the line saying so
      LOG.info("config reloaded: {}", String.join(", ", reload.applied()));
      holder.set(reload.config());
      for (Consumer<NodeConfig> l : reloadListeners) {
        try {
          l.accept(reload.config());
        } catch (RuntimeException e) {
          LOG.error("config reload listener failed", e);
        }
      }
    }
  }

  private void reject(ConfigException e) {
    if (e.getMessage().equals(lastError)) {
      return; // same error as on the previous scan: already reported
    }
    lastError = e.getMessage();
    LOG.error("config change rejected, keeping the last good config: {}", e.getMessage());
    for (Consumer<ConfigException> l : errorListeners) {
      try {
        l.accept(e);
      } catch (RuntimeException ex) {
        LOG.error("config error listener failed", ex);
      }
    }
  }

  private NodeConfig load(JsonObject raw) {
    if (raw.containsKey(YamlFileProcessor.MISSING_KEY)) {
      throw new ConfigException(path, "file not found");
    }
    String parseError = raw.getString(YamlFileProcessor.ERROR_KEY);
    if (parseError != null) {
      throw new ConfigException(path, parseError);
    }
    return ConfigLoader.load(raw, env);
  }

  private ConfigException fileError(Throwable t) {
    if (t instanceof ConfigException ce) {
      return ce;
    }
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof NoSuchFileException) {
        return new ConfigException(path, "file not found", t);
      }
    }
    return new ConfigException(path, "cannot read: " + YamlConfig.oneLine(String.valueOf(t.getMessage())), t);
  }

  private static void warnUnknown(JsonObject raw, Map<String, String> env) {
    List<String> unknown = ConfigLoader.unknownKeys(raw, env);
    if (!unknown.isEmpty()) {
      LOG.warn("unknown config keys ignored: {}", String.join(", ", unknown));
    }
  }
}
