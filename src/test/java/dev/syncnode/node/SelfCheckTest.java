package dev.syncnode.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SelfCheckTest {
  @Test
  void startsAMasterAndAWorkerAndVerifiesThreeCopies() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = SelfCheck.run(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
    String line = out.toString(StandardCharsets.UTF_8);
    assertTrue(line.startsWith("selfcheck ok: a master and a worker started; 22 files synced and verified over gRPC and HTTP"), line);
  }
}
