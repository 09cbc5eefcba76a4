package dev.syncnode.security;

import io.vertx.core.Vertx;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A JVM error (out of memory, stack overflow, internal error) on any thread leaves a node that may
 * look healthy while a port it owns is dead: an event loop that died of it accepts and resets every
 * connection. So such an error ends the process with one clear log line, and the supervisor restarts
 * the node. Other failures stay with the code that handles them.
 */
public final class FatalErrors {
  private static final Logger LOG = LoggerFactory.getLogger(FatalErrors.class);
  /** The exit status of a node that stopped on a JVM error (EX_SOFTWARE). */
  public static final int EXIT_STATUS = 70;

  /** How the process ends; tests replace it. */
  static volatile IntConsumer exit = status -> Runtime.getRuntime().halt(status);
  private static final AtomicBoolean threadsWatched = new AtomicBoolean();

  private FatalErrors() {}

  /** Watches the handlers of {@code vertx} and every thread's uncaught errors. */
  public static void install(Vertx vertx) {
    vertx.exceptionHandler(err -> {
      if (!check(err)) {
        LOG.error("unhandled failure in a handler", err);
      }
    });
    if (!threadsWatched.compareAndSet(false, true)) {
      return;
    }
    Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
    Thread.setDefaultUncaughtExceptionHandler((t, err) -> {
      if (!check(err) && previous != null) {
        previous.uncaughtException(t, err);
      }
    });
  }

  /**
   * Ends the process when {@code err} (or its cause) is a JVM error; returns false otherwise. Halts
   * rather than exits: shutdown hooks could block, and nothing can be trusted to finish after it.
   */
  public static boolean check(Throwable err) {
    Throwable e = err;
    for (int depth = 0; e != null && depth < 8; depth++, e = e.getCause()) {
      if (e instanceof VirtualMachineError) {
        try {
          LOG.error("FATAL: {} on thread {}; exiting with status {} so the supervisor restarts the node",
              e, Thread.currentThread().getName(), EXIT_STATUS);
        } finally {
          exit.accept(EXIT_STATUS);
        }
        return true;
      }
    }
    return false;
  }
}
