package dev.syncnode.config;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.util.Map;

/**
 * The node's default logging, set up in code: parsing a logback.xml costs a quarter of a second of
 * every start (an XML parser and Joran's model classes). One line per event on stderr, at
 * {@code SYNCNODE_LOG_LEVEL} (INFO by default), laid out as {@link #PATTERN} says ({@link LogLine}). Ranked below logback's own file lookup, so
 * {@code -Dlogback.configurationFile=FILE} (or a logback.xml on the class path) still replaces it.
 */
@ConfiguratorRank(ConfiguratorRank.NOMINAL - 5)
public final class LogSetup extends ContextAwareBase implements Configurator {
  /** A line, in logback's pattern language (for a logback.xml of your own that keeps the look). */
  static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level [%thread] %logger{20} - %msg%n";
  /** Libraries whose INFO chatter is not the operator's business. */
  static final Map<String, Level> QUIET = Map.of(
      "io.netty", Level.WARN,
      "com.hazelcast", Level.WARN,
      "io.vertx", Level.INFO,
      "io.micrometer.core.instrument.MeterRegistry", Level.ERROR);

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    LogLine layout = new LogLine();
    layout.setContext(context);
    layout.start();
    LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
    encoder.setContext(context);
    encoder.setLayout(layout);
    encoder.start();
    ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
    stderr.setContext(context);
    stderr.setName("STDERR");
    stderr.setTarget("System.err");
    stderr.setEncoder(encoder);
    stderr.start();
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.toLevel(System.getenv("SYNCNODE_LOG_LEVEL"), Level.INFO));
    root.addAppender(stderr);
    QUIET.forEach((name, level) -> context.getLogger(name).setLevel(level));
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }
}
