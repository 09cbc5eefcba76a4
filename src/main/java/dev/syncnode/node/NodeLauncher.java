package dev.syncnode.node;
import dev.syncnode.cli.Usage;
import dev.syncnode.cluster.ClusterSupport;
import dev.syncnode.config.ConfigException;
import dev.syncnode.config.ConfigService;
import dev.syncnode.config.NodeConfig;
import dev.syncnode.fs.WorkspaceMark;
import dev.syncnode.security.AcceptGate;
import dev.syncnode.transport.ListenFailure;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmCompilationMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmHeapPressureMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.vertx.core.Deployable;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.launcher.application.ExitCodes;
import io.vertx.launcher.application.HookContext;
import io.vertx.launcher.application.VertxApplication;
import io.vertx.launcher.application.VertxApplicationHooks;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import io.vertx.micrometer.backends.BackendRegistries;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Runs a node through the Vert.x launcher: splits off {@code -conf} and turns it into the deployment
 * config (a YAML path becomes {@code {"configPath": "<absolute path>"}}; a JSON file or inline object
 * is passed on), validates the config before anything starts, and hooks the launcher: metrics, the
 * accept-time connection gate, the cluster manager, and one clear line for a port that cannot be bound.
 */
public final class NodeLauncher extends VertxApplication implements VertxApplicationHooks {
  /** Deployment config key holding the YAML path; same as {@link ConfigService#CONFIG_PATH_KEY}. */
  public static final String CONFIG_PATH_KEY = ConfigService.CONFIG_PATH_KEY;

  /** {@link #run} result: the node is running, do not exit. */
  public static final int RUNNING = -1;

  private static final Set<String> CONF_OPTIONS = Set.of("-conf", "--conf");
  private static final Set<String> HELP_OPTIONS = Set.of("-h", "-help", "--help");
  /** Launcher flags (vertx-launcher-application 5.0). */
  private static final Set<String> FLAG_OPTIONS = Set.of(
      "-c", "-cluster", "--cluster", "-w", "-worker", "--worker", "-vt", "-virtual-thread", "--virtual-thread");
  /** Launcher options that take a value (vertx-launcher-application 5.0). */
  private static final Set<String> VALUE_OPTIONS = Set.of(
      "-options", "--options", "-vertx-options", "--vertx-options",
      "-deployment-options", "--deployment-options", "-instances", "--instances",
      "-cluster-port", "--cluster-port", "-cluster-host", "--cluster-host",
      "-cluster-public-port", "--cluster-public-port", "-cluster-public-host", "--cluster-public-host");

  private static final Set<String> CLUSTER_FLAGS = Set.of("-c", "-cluster", "--cluster");

  private final boolean clustered;
  private final JsonObject deploymentConfig;
  private final NodeConfig config;

  private NodeLauncher(String[] launcherArgs, JsonObject deploymentConfig, NodeConfig config) {
    super(launcherArgs, null, false, false);
    this.clustered = Arrays.stream(launcherArgs).anyMatch(CLUSTER_FLAGS::contains);
    this.deploymentConfig = deploymentConfig;
    this.config = config;
  }

  /** The config validated at startup (the verticle loads its own, live copy through ConfigService). */
  public NodeConfig config() {
    return config;
  }

  @Override
  public JsonObject afterConfigParsed(JsonObject ignored) {
    return deploymentConfig.copy(); // -conf was taken out of the launcher's arguments
  }

  /**
   * Turns on Vert.x's own metrics (Micrometer, Prometheus registry) unless {@code metrics.enabled} is
   * false. The JVM's series are bound once the node is up ({@link #afterVerticleDeployed}): their
   * binders load JMX and a quarter of a second of classes, which need not delay the ports.
   */
  @Override
  public void beforeStartingVertx(HookContext context) {
    if (config != null && config.metrics().enabled()) {
      context.vertxOptions().setMetricsOptions(new MicrometerMetricsOptions()
          .setEnabled(true)
          .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true)));
    }
  }

  /** The JVM series Vert.x binds with {@code jvmMetricsEnabled}, bound here on the launcher's thread, after start. */
  @Override
  public void afterVerticleDeployed(HookContext context) {
    MeterRegistry registry = BackendRegistries.getDefaultNow();
    if (registry != null) {
      bindJvmMetrics(registry);
    }
  }

  /** The JVM, process and class-loading series a node exports (also what the Grafana dashboard's tests read). */
  public static void bindJvmMetrics(MeterRegistry registry) {
    for (MeterBinder binder : List.of(new ClassLoaderMetrics(), new JvmCompilationMetrics(), new JvmGcMetrics(),
        new JvmHeapPressureMetrics(), new JvmInfoMetrics(), new JvmMemoryMetrics(), new JvmThreadMetrics(),
        new ProcessorMetrics(), new UptimeMetrics())) {
      binder.bindTo(registry);
    }
  }

  /**
   * A port that cannot be bound ends the process here, with one line naming the setting and exit 1:
   * the launcher would log a stack trace next and exit 15. Closing Vert.x first releases the port
   * the other endpoint may already hold.
   */
  @Override
  public void afterFailureToDeployVerticle(HookContext context, Throwable cause) {
    ListenFailure f = ListenFailure.in(cause);
    if (f == null) {
      return;
    }
    System.err.println("syncnode: " + f.getMessage());
    try {
      context.vertx().close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception | Error closing) {
      // exiting anyway
    }
    System.exit(1);
  }

  @Override
  public VertxBuilder createVertxBuilder(VertxOptions options) {
    // the connection guards see each connection when it is accepted, not only once it speaks HTTP
    VertxBuilder builder = AcceptGate.install(Vertx.builder().with(options), options);
    if (options.getMetricsOptions() instanceof MicrometerMetricsOptions) {
      builder.withMetrics(new MicrometerMetricsFactory());
    }
    if (clustered && config != null) {
      // cluster.name / members / port from the config
      builder.withClusterManager(ClusterSupport.clusterManager(config));
    }
    return builder;
  }

  @Override
  public Supplier<? extends Deployable> verticleSupplier() {
    return NodeVerticle::new;
  }

  // ---------------------------------------------------------------------------------------------

  /** Starts a node; returns an exit code, or {@link #RUNNING} when the node was started. */
  public static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
    Prepared p;
    try {
      p = prepare(args, env);
    } catch (UsageException e) {
      err.println("syncnode: " + e.getMessage());
      err.println("Try 'java -jar node.jar --help'.");
      return ExitCodes.USAGE;
    } catch (ConfigException e) {
      err.println("invalid config: " + e.key() + ": " + e.detail());
      return 1;
    }
    if (p.help()) {
      out.print(Usage.text());
      return 0;
    }
    int code = new NodeLauncher(p.launcherArgs(), p.deploymentConfig(), p.config()).launch();
    if (code == ExitCodes.USAGE) {
      err.print(Usage.text());
    }
    return code == 0 ? RUNNING : code;
  }

  /** Node mode, before launching: the launcher's arguments, the verticle's config, the validated config. */
  public record Prepared(String[] launcherArgs, JsonObject deploymentConfig, NodeConfig config, boolean help) {}

  static final class UsageException extends RuntimeException {
    UsageException(String message) {
      super(message);
    }
  }

  /** Splits off {@code -conf}, turns it into the deployment config and validates that config. */
  public static Prepared prepare(String[] args, Map<String, String> env) {
    List<String> launcherArgs = new ArrayList<>();
    String conf = null;
    boolean help = false;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      String name = a.toLowerCase(Locale.ROOT);
      int eq = name.indexOf('=');
      String bare = eq > 0 ? name.substring(0, eq) : name;
      if (CONF_OPTIONS.contains(bare)) {
        if (eq > 0) {
          conf = a.substring(eq + 1);
        } else if (i + 1 < args.length) {
          conf = args[++i];
        } else {
          throw new UsageException("-conf needs a value (a YAML or JSON file)");
        }
      } else if (HELP_OPTIONS.contains(name)) {
        help = true;
      } else if (VALUE_OPTIONS.contains(bare)) {
        launcherArgs.add(a);
        if (eq < 0) {
          if (i + 1 >= args.length) {
            throw new UsageException(a + " needs a value");
          }
          launcherArgs.add(args[++i]);
        }
      } else if (FLAG_OPTIONS.contains(name)) {
        launcherArgs.add(a);
      } else if (a.startsWith("-")) {
        throw new UsageException("unknown option: " + a);
      } else {
        throw new UsageException("unknown command or argument: " + a);
      }
    }
    if (help) {
      return new Prepared(new String[0], new JsonObject(), null, true);
    }
    JsonObject deploymentConfig = deploymentConfig(conf);
    NodeConfig config = ConfigService.loadNow(deploymentConfig, env);
    if (config.node().role() == NodeConfig.Role.WORKER) {
      Path master = WorkspaceMark.masterWorkspaceAround(Path.of(config.node().workspace()));
      if (master != null) {
        throw new ConfigException("node.workspace", config.node().workspace() + " is inside " + master
            + ", the workspace of a master on this host: a worker there would write into its spiders."
            + " Give the worker its own directory (SYNCNODE_NODE_WORKSPACE, default data/worker)");
      }
    }
    return new Prepared(launcherArgs.toArray(String[]::new), deploymentConfig, config, false);
  }

  /**
   * The verticle's config for a {@code -conf} value: a YAML file (by extension, or any file that is not
   * a JSON object) becomes {@code {"configPath": "<absolute path>"}}; a JSON file or inline JSON object
   * is used as it is (as the Vert.x launcher would); none gives {@code {}}.
   */
  public static JsonObject deploymentConfig(String conf) {
    if (conf == null) {
      return new JsonObject();
    }
    Path file = null;
    try {
      file = Path.of(conf);
    } catch (InvalidPathException e) {
      // not a path: maybe inline JSON
    }
    if (file != null && Files.isRegularFile(file)) {
      String lower = conf.toLowerCase(Locale.ROOT);
      if (!lower.endsWith(".yml") && !lower.endsWith(".yaml")) {
        try {
          return new JsonObject(Files.readString(file, StandardCharsets.UTF_8));
        } catch (DecodeException | IOException notJson) {
          // read below as YAML, where errors are reported properly
        }
      }
      return new JsonObject().put(CONFIG_PATH_KEY, file.toAbsolutePath().normalize().toString());
    }
    if (!conf.trim().startsWith("{")) {
      throw new ConfigException(conf, "file not found");
    }
    try {
      return new JsonObject(conf);
    } catch (DecodeException e) {
      throw new ConfigException("-conf", "not a file and not a valid JSON object: " + e.getMessage());
    }
  }
}
