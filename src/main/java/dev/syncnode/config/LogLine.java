package dev.syncnode.config;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * The node's log line, {@code HH:mm:ss.SSS LEVEL [thread] d.s.p.Logger - message}, the same text as the
 * pattern {@link LogSetup#PATTERN} gives: written out here because logback's pattern parser and its
 * sixty converters are a tenth of a second of every start, the CLI's included.
 */
final class LogLine extends LayoutBase<ILoggingEvent> {
  static final int LOGGER_LENGTH = 20;
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneId.systemDefault());

  @Override
  public String doLayout(ILoggingEvent event) {
    StringBuilder b = new StringBuilder(128);
    TIME.formatTo(Instant.ofEpochMilli(event.getTimeStamp()), b);
    String level = event.getLevel().toString();
    b.append(' ').append(level);
    b.append(" ".repeat(Math.max(0, 5 - level.length())));
    b.append(" [").append(event.getThreadName()).append("] ");
    abbreviate(event.getLoggerName(), b);
    b.append(" - ").append(event.getFormattedMessage()).append(CoreConstants.LINE_SEPARATOR);
    IThrowableProxy thrown = event.getThrowableProxy();
    if (thrown != null) {
      b.append(ThrowableProxyUtil.asString(thrown));
    }
    return b.toString();
  }

  /**
   * Package names cut to their first letter, left to right, until the name is shorter than
   * {@link #LOGGER_LENGTH} or only the class name is left (as logback's {@code %logger{20}} does).
   */
  static void abbreviate(String name, StringBuilder out) {
    int lastDot = name.lastIndexOf('.');
    if (name.length() < LOGGER_LENGTH || lastDot < 0) {
      out.append(name);
      return;
    }
    int toCut = Math.min(lastDot, name.length() - LOGGER_LENGTH);
    int cut = 0;
    int i = 0;
    while (i < lastDot) {
      int dot = name.indexOf('.', i);
      if (dot > i) {
        out.append(name.charAt(i));
        cut += dot - i - 1;
      }
      i = dot;
      if (cut >= toCut) {
        break;
      }
      out.append('.');
      i++;
    }
    out.append(name, i, name.length());
  }
}
