package dev.syncnode.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.syncnode.cli.SyncCommand;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one-shot CLI (arguments after the {@code sync} word) against a real master: exit codes, JSON report. */
class SyncCommandIT {
  @TempDir Path tmp;
  Path spider;
  Cluster cluster;

  @BeforeEach
  void setUp() throws Exception {
    Workspaces dirs = Workspaces.withSampleSpider(tmp);
    spider = dirs.spider();
    cluster = dirs.start();
  }

  @AfterEach
  void tearDown() throws Exception {
    cluster.close();
  }

  record Run(int code, String out, String err) {
    String lastLine() {
      List<String> lines = out.lines().toList();
      return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
    }
  }

  static Run cli(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = SyncCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), Map.of());
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  String master() {
    return "127.0.0.1:" + cluster.master.grpcPort();
  }

  @Test
  void syncPrintsTheReportAndExitsZero() throws Exception {
    Path dest = tmp.resolve("cli-dest");
    Run r = cli("--master", master(), "--spider", "spider1", "--dest", dest.toString());
    assertEquals(SyncCommand.OK, r.code(), r.err());
    JsonObject report = new JsonObject(r.lastLine());
    assertEquals("spider1", report.getString("spiderId"));
    assertEquals("grpc", report.getString("transport"));
    assertEquals(7L, report.getLong("files"));
    assertEquals(7L, report.getLong("downloaded"));
    assertEquals(0L, report.getLong("deleted"));
    assertTrue(report.containsKey("bytes") && report.containsKey("durationMs"), report.encode());
    assertEquals(Trees.describe(spider, Trees::notIgnored), Trees.describe(dest));
  }

  @Test
  void unknownSpiderExitsOneWithAnErrorLine() throws Exception {
    Path dest = tmp.resolve("cli-dest");
    Run r = cli("--master", master(), "--spider", "nope", "--dest", dest.toString(), "--json");
    assertEquals(SyncCommand.FAILED, r.code());
    JsonObject line = new JsonObject(r.lastLine());
    assertTrue(line.getString("error").contains("NOT_FOUND"), line.encode());
    assertFalse(Files.exists(dest));
  }

  @Test
  void usageErrorsExitTwo() {
    assertEquals(SyncCommand.USAGE, cli("--spider", "spider1").code());
    assertEquals(SyncCommand.USAGE, cli("--master", master(), "--dest", "x").code());
    assertEquals(SyncCommand.USAGE, cli("--bogus").code());
    assertEquals(SyncCommand.OK, cli("--help").code());
  }
}
