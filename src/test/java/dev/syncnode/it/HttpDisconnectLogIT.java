package dev.syncnode.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A client that drops its connection in the middle of an HTTP download (a real socket, reset after
 * the first bytes): the master notes it in one debug line, no warning, no stack trace.
 */
class HttpDisconnectLogIT {
  @TempDir Path tmp;

  @Test
  void aClientLeavingMidDownloadIsNotAStackTrace() throws Exception {
    Workspaces dirs = Workspaces.withSampleSpider(tmp);
    Trees.write(dirs.spider(), "data/big.bin", Trees.random(3, 16 * 1024 * 1024));
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    Logger replies = (Logger) LoggerFactory.getLogger("dev.syncnode.transport.http");
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    root.addAppender(logs);
    Level level = replies.getLevel();
    replies.setLevel(Level.DEBUG);
    try (Cluster cluster = dirs.start()) {
      try (Socket s = new Socket(InetAddress.getLoopbackAddress(), cluster.master.httpPort())) {
        s.getOutputStream().write(("GET /api/sync/spider1/download?path=data/big.bin HTTP/1.1\r\nHost: x\r\n"
            + "Accept-Encoding: identity\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        InputStream in = s.getInputStream();
        byte[] buf = new byte[64 * 1024];
        long got = 0;
        while (got < 256 * 1024) {
          got += Math.max(0, in.read(buf));
        }
        s.setSoLinger(true, 0); // reset, as a killed client does
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (logs.list.stream().noneMatch(e -> e.getFormattedMessage().contains("went away"))) {
        if (System.nanoTime() > deadline) {
          fail("the master did not notice the client leaving: " + describe(logs.list));
        }
        LockSupport.parkNanos(5_000_000);
      }
      List<String> loud = describe(logs.list.stream()
          .filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN) || e.getThrowableProxy() != null).toList());
      assertEquals(List.of(), loud);
    } finally {
      root.detachAppender(logs);
      replies.setLevel(level);
    }
  }

  static List<String> describe(List<ILoggingEvent> events) {
    return events.stream().map(e -> e.getLevel() + " " + e.getLoggerName() + " " + e.getFormattedMessage()
        + (e.getThrowableProxy() == null ? "" : " " + e.getThrowableProxy().getClassName())).toList();
  }
}
