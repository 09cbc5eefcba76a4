package dev.syncnode.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class LogSetupTest {
  @Test
  void configuresStderrAtInfoWithQuietLibraries() {
    LoggerContext context = new LoggerContext();
    LogSetup setup = new LogSetup();
    setup.setContext(context);
    assertEquals(Configurator.ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY, setup.configure(context));
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    if (System.getenv("SYNCNODE_LOG_LEVEL") == null) {
      assertEquals(Level.INFO, root.getLevel());
    }
    var appender = (ConsoleAppender<?>) root.getAppender("STDERR");
    assertEquals("System.err", appender.getTarget());
    assertTrue(appender.isStarted());
    var encoder = (LayoutWrappingEncoder<?>) appender.getEncoder();
    assertTrue(encoder.getLayout() instanceof LogLine && encoder.getLayout().isStarted());
    assertEquals(Level.WARN, context.getLogger("io.netty.channel").getEffectiveLevel());
    assertEquals(Level.WARN, context.getLogger("com.hazelcast").getEffectiveLevel());
  }

  @Test
  void isFoundByLogbackAndRanksBelowItsFileLookup() throws Exception {
    assertTrue(ServiceLoader.load(Configurator.class).stream().anyMatch(p -> p.type() == LogSetup.class));
    int rank = LogSetup.class.getAnnotation(ConfiguratorRank.class).value();
    assertTrue(rank < ConfiguratorRank.NOMINAL && rank > ConfiguratorRank.FALLBACK, "rank " + rank);
    assertTrue(Files.notExists(Path.of("src/main/resources/logback.xml")), "a logback.xml in the jar would be parsed first");
  }
}
