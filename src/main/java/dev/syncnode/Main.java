package dev.syncnode;

import dev.syncnode.cli.SyncCommand;
import dev.syncnode.cli.Usage;
import dev.syncnode.node.NodeLauncher;
import dev.syncnode.node.SelfCheck;
import dev.syncnode.node.Version;
import dev.syncnode.piece.PieceCodec;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import org.slf4j.LoggerFactory;

/**
 * The jar's entry point, the command line only: {@code sync ...} runs one sync
 * ({@link SyncCommand}) and exits with its code; {@code version}, {@code selfcheck} and {@code --help}; anything else
 * runs a node ({@link NodeLauncher}: {@code -conf conf/config.yml [-cluster]}).
 */
public final class Main {
  /** Commands that print and exit without syncing. */
  private static final Set<String> QUICK = Set.of("version", "--version", "help", "--help", "-h");

  private Main() {}

  public static void main(String[] args) {
    // Netty registers JFR event types at its first buffer (a tenth of a second of every start);
    // a recording asked for with -Dio.netty.jfr.enabled=true still gets them
    if (System.getProperty("io.netty.jfr.enabled") == null) {
      System.setProperty("io.netty.jfr.enabled", "false");
    }
    if (args.length == 0 || !QUICK.contains(args[0]) && !"selfcheck".equals(args[0])) {
      ClassPreload.start(args.length > 0 && "sync".equals(args[0]) ? ClassPreload.SYNC : ClassPreload.NODE);
    }
    if (args.length == 0 || !QUICK.contains(args[0])) {
      // zstd's native library (copied out of the jar, then loaded) is wanted by every node and sync;
      // loading it now overlaps Vert.x's start instead of delaying the first port or request. Logging is
      // set up first: a logger created during SLF4J's own start-up would miss the levels set later
      LoggerFactory.getILoggerFactory();
      Thread zstd = new Thread(PieceCodec::zstdAvailable, "syncnode-zstd-load");
      zstd.setDaemon(true);
      zstd.start();
    }
    int code = run(args, System.getenv(), System.out, System.err);
    if (code != NodeLauncher.RUNNING) {
      System.exit(code);
    }
  }

  /** Runs the command line; returns an exit code, or {@link NodeLauncher#RUNNING} when a node was started. */
  static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
    if (args.length > 0) {
      switch (args[0]) {
        case "sync":
          return runSync(rest -> SyncCommand.run(rest, out, err, env), Arrays.copyOfRange(args, 1, args.length), err);
        case "version":
        case "--version":
          out.println("syncnode " + Version.current());
          return 0;
        case "selfcheck":
          return SelfCheck.run(out, err);
        case "help":
          out.print(Usage.text());
          return 0;
        default:
          break;
      }
    }
    return NodeLauncher.run(args, env, out, err);
  }

  /** A command that throws still ends with one line and exit 1, not a stack trace. */
  static int runSync(Command command, String[] rest, PrintStream err) {
    try {
      return command.run(rest);
    } catch (RuntimeException e) {
      err.println("syncnode sync: " + e);
      return 1;
    }
  }

  /** A subcommand: arguments in, exit code out. */
  @FunctionalInterface
  interface Command {
    int run(String[] args);
  }
}
