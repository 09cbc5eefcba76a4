package dev.syncnode.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.syncnode.transport.grpc.server.GrpcEndpointVerticle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code node.jar sync} stopped mid-transfer (a real child JVM, SIGTERM as from Ctrl-C or kill): it
 * says it was interrupted and that the next run resumes; the master (in this JVM) logs the cancelled
 * call as one debug line: no warning, no stack trace, no NullPointerException from writing a status
 * into the reset stream.
 */
class SyncCommandInterruptIT {
  @TempDir Path tmp;

  @Test
  void anInterruptedSyncSaysSoAndThatTheNextRunResumes() throws Exception {
    Workspaces dirs = Workspaces.withSampleSpider(tmp);
    // far more than the socket buffers between master and proxy hold: the master's stream is still open when the
    // client goes
    Trees.write(dirs.spider(), "data/big.bin", Trees.random(7, 32 * 1024 * 1024));
    Path dest = tmp.resolve("cli-dest");
    Path work = Files.createDirectories(tmp.resolve("child"));
    ch.qos.logback.classic.Logger root = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("ROOT");
    ch.qos.logback.classic.Logger endpoint =
        (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(GrpcEndpointVerticle.class);
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    root.addAppender(logs);
    ch.qos.logback.classic.Level level = endpoint.getLevel();
    endpoint.setLevel(ch.qos.logback.classic.Level.DEBUG);
    try (Cluster cluster = dirs.start(); StallingProxy proxy = new StallingProxy(cluster.master.grpcPort(), 2 << 20)) {
      Process p = ChildJvm.start(work, Map.of(), "sync", "--master", "127.0.0.1:" + proxy.port(), "--spider",
          "spider1", "--dest", dest.toString());
      try {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!partialBytesIn(dest.resolve(".syncnode/tmp"))) {
          if (System.nanoTime() > deadline || !p.isAlive()) {
            fail("no partial download appeared\n" + ChildJvm.read(work, p.isAlive() ? -1 : p.exitValue()).all());
          }
          java.util.concurrent.locks.LockSupport.parkNanos(5_000_000); // poll, not a timed wait for the event
        }
        p.destroy(); // SIGTERM: shutdown hooks run, as on Ctrl-C
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the child did not stop");
      } finally {
        p.destroyForcibly();
      }
      ChildJvm.Result r = ChildJvm.read(work, p.exitValue());
      assertTrue(r.err().contains("sync interrupted") && r.err().contains("the next run resumes"), r.all());
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (logs.list.stream().noneMatch(e -> e.getFormattedMessage().startsWith("gRPC call cancelled"))) {
        if (System.nanoTime() > deadline) {
          fail("the master did not log the cancelled call: " + describe(logs.list));
        }
        java.util.concurrent.locks.LockSupport.parkNanos(5_000_000);
      }
      cluster.master.grpcPort(); // the master is still up; its log so far is what it says about the cancel
      List<ILoggingEvent> loud = logs.list.stream()
          .filter(e -> e.getLevel().isGreaterOrEqual(ch.qos.logback.classic.Level.WARN) || e.getThrowableProxy() != null)
          .toList();
      assertEquals(List.of(), describe(loud), "the cancel is one debug line");
    } finally {
      root.detachAppender(logs);
      endpoint.setLevel(level);
    }
  }

  static List<String> describe(List<ILoggingEvent> events) {
    return events.stream().map(e -> e.getLevel() + " " + e.getLoggerName() + " " + e.getFormattedMessage()
        + (e.getThrowableProxy() == null ? "" : " " + e.getThrowableProxy().getClassName())).toList();
  }

  static boolean partialBytesIn(Path tmpArea) throws Exception {
    if (!Files.isDirectory(tmpArea)) {
      return false;
    }
    try (Stream<Path> s = Files.walk(tmpArea)) {
      return s.anyMatch(f -> {
        try {
          return Files.isRegularFile(f) && f.getFileName().toString().endsWith(".part") && Files.size(f) > 0;
        } catch (Exception gone) {
          return false;
        }
      });
    }
  }
}
