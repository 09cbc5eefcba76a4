package dev.syncnode.cli;

import dev.syncnode.bus.Addresses;
import dev.syncnode.config.ConfigException;
import dev.syncnode.config.ConfigHolder;
import dev.syncnode.config.ConfigLoader;
import dev.syncnode.config.HostPort;
import dev.syncnode.config.NodeConfig;
import dev.syncnode.manifest.PathRules;
import dev.syncnode.metrics.SyncMetrics;
import dev.syncnode.worker.SyncReport;
import dev.syncnode.worker.SyncRequest;
import dev.syncnode.worker.WorkerSyncVerticle;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code node.jar sync --master HOST:PORT --spider ID --dest DIR [...]}: one sync, then exit.
 * Exit codes: 0 success, 1 sync failed, 2 usage error (including a non-empty directory syncnode never
 * synced, without {@code --force}). The last stdout line is the JSON report (or a JSON object with an
 * {@code error} on failure).
 */
public final class SyncCommand {
  public static final int OK = 0;
  public static final int FAILED = 1;
  public static final int USAGE = 2;

  private SyncCommand() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err, System.getenv()));
  }

  public static String usage() {
    return String.join("\n",
        "usage: java -jar node.jar sync --master HOST:PORT --spider ID --dest DIR [options]",
        "",
        "Mirrors one spider from a master into DIR and exits (0 ok, 1 failed, 2 usage error).",
        "The last line on stdout is the JSON report. Files in DIR that the master does not have and no",
        "sync installed (crawler output, logs) are kept.",
        "",
        "  --master HOST:PORT     master gRPC address, e.g. 127.0.0.1:9666",
        "  --spider ID            spider to sync",
        "  --dest DIR             destination directory (created if missing)",
        "  --master-http URL      master HTTP base URL (fallback transport, e.g. http://127.0.0.1:8000)",
        "  --http-only            use HTTP only (needs --master-http)",
        "  --token T              bearer token (default: $SYNCNODE_AUTH_TOKEN)",
        "  --ca FILE              talk TLS to the master and trust the CA certificate(s) in this PEM file",
        "                         (default: $SYNCNODE_TLS_CAPATH)",
        "  --tls                  talk TLS to the master, trusting the JVM's default CAs",
        "  --force                sync into a non-empty DIR that syncnode never synced: the master's paths",
        "                         are replaced, everything else is kept",
        "  --json                 print only the JSON report",
        "  --quiet                no progress output",
        "  --help                 this text",
        "",
        "Other settings (retries, timeouts, ignore rules) come from SYNCNODE_* environment variables.");
  }

  /** Parsed command line. */
  record Options(String master, String masterHttp, String spider, String dest, boolean httpOnly, String token,
      boolean json, boolean quiet, String ca, boolean tls, boolean force) {}

  static Options parse(String[] args, Map<String, String> env) {
    String master = null;
    String masterHttp = null;
    String spider = null;
    String dest = null;
    String token = env.getOrDefault("SYNCNODE_AUTH_TOKEN", "");
    String ca = null;
    boolean tls = false;
    boolean httpOnly = false;
    boolean json = false;
    boolean quiet = false;
    boolean force = false;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      String value = null;
      int eq = a.indexOf('=');
      if (a.startsWith("--") && eq > 0) {
        value = a.substring(eq + 1);
        a = a.substring(0, eq);
      }
      switch (a) {
        case "--master":
        case "--master-http":
        case "--spider":
        case "--dest":
        case "--token":
        case "--ca":
          if (value == null) {
            if (i + 1 >= args.length) {
              throw new IllegalArgumentException("missing value for " + a);
            }
            value = args[++i];
          }
          switch (a) {
            case "--master" -> master = value;
            case "--master-http" -> masterHttp = value;
            case "--spider" -> spider = value;
            case "--dest" -> dest = value;
            case "--ca" -> ca = value;
            default -> token = value;
          }
          break;
        case "--http-only":
          httpOnly = true;
          break;
        case "--tls":
          tls = true;
          break;
        case "--force":
          force = true;
          break;
        case "--json":
          json = true;
          break;
        case "--quiet":
        case "-q":
          quiet = true;
          break;
        default:
          throw new IllegalArgumentException("unknown option: " + args[i]);
      }
    }
    if (spider == null || dest == null) {
      throw new IllegalArgumentException("--spider and --dest are required");
    }
    if (httpOnly && masterHttp == null) {
      throw new IllegalArgumentException("--http-only needs --master-http URL");
    }
    if (master == null && masterHttp == null) {
      throw new IllegalArgumentException("--master HOST:PORT (or --master-http URL) is required");
    }
    if (master != null) {
      checkMaster(master);
    }
    if (masterHttp != null) {
      checkMasterHttp(masterHttp);
    }
    if (!PathRules.isValidSpiderId(spider)) {
      throw new IllegalArgumentException("--spider " + spider + ": not a spider id (the name of a directory in the"
          + " master's workspace: letters, digits, '.', '_' and '-', no '/')");
    }
    if (ca != null && !java.nio.file.Files.isReadable(Path.of(ca))) {
      throw new IllegalArgumentException("--ca: cannot read " + ca);
    }
    return new Options(master, masterHttp, spider, dest, httpOnly, token, json, quiet, ca, tls, force);
  }

  /** {@code --master} is the gRPC HOST:PORT; a URL or a bare host is a usage error, not something to retry. */
  private static void checkMaster(String master) {
    if (master.contains("://")) {
      throw new IllegalArgumentException("--master " + master + ": expected HOST:PORT (the master's gRPC address,"
          + " e.g. 127.0.0.1:9666), not a URL; an HTTP URL goes to --master-http");
    }
    try {
      HostPort.parse(master);
    } catch (IllegalArgumentException e) {
      int colon = master.lastIndexOf(':');
      throw new IllegalArgumentException("--master " + master + ": expected HOST:PORT with a port between 1 and"
          + " 65535 (the master's gRPC port, 9666 by default), e.g. " + (colon > 0 ? master.substring(0, colon)
          : master) + ":9666");
    }
  }

  private static void checkMasterHttp(String url) {
    try {
      java.net.URI u = new java.net.URI(url);
      String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(java.util.Locale.ROOT);
      if ((scheme.equals("http") || scheme.equals("https")) && u.getHost() != null) {
        return;
      }
    } catch (java.net.URISyntaxException e) {
      // reported below
    }
    throw new IllegalArgumentException("--master-http " + url + ": expected an http:// or https:// URL,"
        + " e.g. http://127.0.0.1:8000");
  }

  static NodeConfig toConfig(Options o, NodeConfig base) {
    NodeConfig.Sync s = base.sync();
    NodeConfig.Sync sync = new NodeConfig.Sync(!o.httpOnly() && o.master() != null, s.grpcCacheTtl(),
        s.grpcChunkSize(), s.ignore(), s.http(), s.retry(), s.timeout())
        .withTransfer(s.parallelDownloads(), s.compression());
    return base
        .withNode(new NodeConfig.Node(NodeConfig.Role.WORKER, "cli", base.node().workspace()))
        .withMaster(new NodeConfig.Master(o.master() == null ? "" : o.master(),
            o.masterHttp() == null ? "" : o.masterHttp()))
        .withSync(sync)
        .withAuth(new NodeConfig.Auth(o.token() == null ? "" : o.token()))
        .withTls(new NodeConfig.Tls(base.tls().enabled() || o.tls(), base.tls().certPath(), base.tls().keyPath(),
            o.ca() != null ? o.ca() : base.tls().caPath()));
  }

  public static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> env) {
    for (String a : args) {
      if (a.equals("--help") || a.equals("-h")) {
        out.println(usage());
        return OK;
      }
    }
    Options o;
    try {
      o = parse(args, env);
    } catch (IllegalArgumentException e) {
      err.println("sync: " + e.getMessage());
      err.println(usage());
      return USAGE;
    }
    NodeConfig config;
    try {
      config = toConfig(o, ConfigLoader.load(null, env));
    } catch (ConfigException e) {
      err.println("sync: " + e.getMessage());
      return USAGE;
    }
    Path destDir = DestinationCheck.resolve(Path.of(o.dest())); // a link is followed here, once
    String adopt = DestinationCheck.refusal(destDir, o.force());
    if (adopt != null) {
      err.println("sync: " + adopt);
      if (o.json()) {
        out.println(new JsonObject().put("spiderId", o.spider()).put("error", adopt).encode());
      }
      return USAGE;
    }
    // --quiet, --json: the report (and an error line) is the whole output
    Runnable restoreLogs = o.quiet() || o.json() ? silenceLogs() : () -> { };
    boolean showProgress = !o.quiet() && !o.json() && System.console() != null;
    ProgressPrinter progress = showProgress ? new ProgressPrinter(err) : null;
    PrintStream systemErr = System.err;
    if (progress != null) {
      System.setErr(progress.guard()); // log lines end the progress line first
    }
    java.util.concurrent.atomic.AtomicBoolean finished = new java.util.concurrent.atomic.AtomicBoolean();
    Thread interrupted = new Thread(() -> {
      if (!finished.get()) {
        if (progress != null) {
          progress.finish();
        }
        err.println("sync interrupted: nothing half-written is visible in " + destDir + "; partial downloads"
            + " stay in " + destDir.resolve(".syncnode/tmp") + " and the next run resumes them");
        err.flush();
      }
    }, "syncnode-interrupted");
    Runtime.getRuntime().addShutdownHook(interrupted);
    Vertx vertx = Vertx.vertx();
    try {
      SyncMetrics metrics = SyncMetrics.unexported();
      WorkerSyncVerticle verticle = progress == null
          ? new WorkerSyncVerticle(new ConfigHolder(config), metrics)
          : new WorkerSyncVerticle(new ConfigHolder(config), metrics, progress);
      long timeoutMs = config.sync().timeout().scan().toMillis() + config.sync().timeout().download().toMillis() * 100;
      SyncReport report = vertx.deployVerticle(verticle)
          .compose(id -> vertx.eventBus().<SyncReport>request(Addresses.WORKER_SYNC,
              new SyncRequest(o.spider(), destDir.toString()),
              new DeliveryOptions().setSendTimeout(timeoutMs)))
          .map(Message::body)
          .toCompletionStage().toCompletableFuture().get(timeoutMs + 10_000, TimeUnit.MILLISECONDS);
      if (progress != null) {
        progress.finish();
      }
      if (!o.json() && !o.quiet()) {
        err.printf("synced %s: %d files, %d downloaded, %d deleted, %d kept, %d bytes over %s in %d ms%n",
            report.spiderId(), report.files(), report.downloaded(), report.deleted(), report.kept(), report.bytes(),
            report.transport(), report.durationMs());
      }
      finished.set(true);
      out.println(report.toJson().encode());
      return OK;
    } catch (Exception e) {
      Throwable cause = e instanceof java.util.concurrent.ExecutionException && e.getCause() != null ? e.getCause() : e;
      finished.set(true);
      if (progress != null) {
        progress.finish();
      }
      err.println("sync failed: " + cause.getMessage());
      out.println(new JsonObject().put("spiderId", o.spider()).put("error", String.valueOf(cause.getMessage())).encode());
      return FAILED;
    } finally {
      finished.set(true);
      try {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // exiting anyway
      }
      System.setErr(systemErr);
      restoreLogs.run();
      try {
        Runtime.getRuntime().removeShutdownHook(interrupted);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running or ran: it saw finished
      }
    }
  }

  /**
   * Turns logging off (logback, the binding this jar ships; others keep their config) and returns
   * what turns it back on (the command also runs inside other programs, tests among them).
   */
  private static Runnable silenceLogs() {
    if (org.slf4j.LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext ctx) {
      ch.qos.logback.classic.Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
      ch.qos.logback.classic.Level before = root.getLevel();
      root.setLevel(ch.qos.logback.classic.Level.OFF);
      return () -> root.setLevel(before);
    }
    return () -> { };
  }
}
