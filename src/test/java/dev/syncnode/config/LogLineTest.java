package dev.syncnode.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.Test;

/** The hand-written layout writes exactly what logback's pattern layout writes for {@link LogSetup#PATTERN}. */
class LogLineTest {
  private final LoggerContext context = new LoggerContext();
  private final PatternLayout pattern = new PatternLayout();
  private final LogLine line = new LogLine();

  LogLineTest() {
    pattern.setContext(context);
    pattern.setPattern(LogSetup.PATTERN);
    pattern.start();
    line.setContext(context);
    line.start();
  }

  @Test
  void sameTextAsThePatternForEveryLevelAndLoggerLength() {
    String[] loggers = {
      "a", "Main", "dev.syncnode.Main", "exactly.twenty.chars", "exactly.twenty.chars1", "dev.syncnode.master.scan.SpiderWatchVerticle",
      "dev.syncnode.transport.grpc.server.GrpcEndpointVerticle", "io.netty.channel.DefaultChannelPipeline",
      "x.y.AVeryLongClassNameThatIsLongerThanTwentyCharacters", "dev.syncnode.worker.SyncRun", "io.vertx.core.impl.ContextImpl",
      "com.hazelcast.internal.cluster.ClusterService", "no.dots.at.all.but.long.enough.to.cut", "trailing.dot."
    };
    Level[] levels = {Level.TRACE, Level.DEBUG, Level.INFO, Level.WARN, Level.ERROR};
    int i = 0;
    for (String logger : loggers) {
      for (Level level : levels) {
        LoggingEvent e = event(logger, level, "sync {}: {} files, \u00e9t\u00e9 {}", new Object[] {"spider-" + i, i, null}, null);
        e.setTimeStamp(1_700_000_000_123L + 37_000_017L * i++);
        assertEquals(pattern.doLayout(e), line.doLayout(e), logger + " " + level);
      }
    }
  }

  @Test
  void sameTextWithAThrowableAndItsCauses() {
    IOException cause = new IOException("disk full");
    LoggingEvent e = event("dev.syncnode.worker.fetch.StagedFile", Level.WARN, "write failed", null,
        new UncheckedIOException("staging a.txt", cause));
    assertEquals(pattern.doLayout(e), line.doLayout(e));
  }

  private LoggingEvent event(String logger, Level level, String message, Object[] args, Throwable thrown) {
    LoggingEvent e = new LoggingEvent(LogLineTest.class.getName(), context.getLogger(logger), level, message, thrown, args);
    e.setThreadName("vert.x-eventloop-thread-1");
    return e;
  }
}
