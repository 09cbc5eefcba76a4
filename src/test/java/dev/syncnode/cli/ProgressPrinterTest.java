package dev.syncnode.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The CLI's progress line: bytes of the file in transfer count, and a log line never lands inside it. */
class ProgressPrinterTest {
  final ByteArrayOutputStream buf = new ByteArrayOutputStream();
  final ProgressPrinter p = new ProgressPrinter(new PrintStream(buf, true, StandardCharsets.UTF_8));

  String lastLine() {
    String s = buf.toString(StandardCharsets.UTF_8);
    return s.substring(s.lastIndexOf('\r') + 1);
  }

  @Test
  void bytesOfTheFileInTransferAndOnDiskCount() {
    p.planned(2, 200L * 1024 * 1024);
    p.advanced(1, 12);
    p.partial(22L * 1024 * 1024); // a resumed part on disk
    assertTrue(p.line(System.nanoTime()).startsWith("1/2 files, 22.0 MiB/200.0 MiB"), p.line(System.nanoTime()));
    p.partial(178L * 1024 * 1024 - 12);
    p.advanced(1, 200L * 1024 * 1024 - 12);
    assertTrue(lastLine().startsWith("2/2 files, 200.0 MiB/200.0 MiB"), "not counted twice: " + lastLine());
  }

  @Test
  void aLogLineEndsTheProgressLineFirst() {
    p.planned(1, 10);
    PrintStream log = p.guard();
    log.print("12:00:00 WARN falling back to HTTP\n");
    log.print("second line\n");
    String s = buf.toString(StandardCharsets.UTF_8);
    assertTrue(s.contains("ETA ?   \n12:00:00 WARN falling back to HTTP\nsecond line\n"), s);
    p.finish();
    assertEquals(s, buf.toString(StandardCharsets.UTF_8), "nothing open: no extra newline");
  }
}
