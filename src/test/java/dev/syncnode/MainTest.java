package dev.syncnode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.syncnode.config.ConfigException;
import dev.syncnode.node.NodeLauncher;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line up to the point where the Vert.x launcher would take over. */
class MainTest {
  @TempDir Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(Map<String, String> env, String... args) {
    return Main.run(args, env,
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  private Path write(String name, String text) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, text);
    return p;
  }

  @Test
  void helpListsModesOptionsAndTheEnvRule() {
    assertEquals(0, run(Map.of(), "--help"));
    String help = out();
    for (String s : new String[] {"-conf", "-cluster", "sync", "--master HOST:PORT", "--spider ID", "--dest DIR",
        "--master-http URL", "--http-only", "--token T", "--ca FILE", "--tls", "--force", "--json", "--quiet",
        "--help", "version",
        "SYNCNODE_", "SYNCNODE_HTTP_PORT"}) {
      assertTrue(help.contains(s), "help lacks " + s);
    }
    out.reset();
    assertEquals(0, run(Map.of(), "-conf", "whatever.yml", "-h"));
    assertEquals(help, out());
  }

  @Test
  void versionPrintsNameAndVersion() {
    assertEquals(0, run(Map.of(), "version"));
    assertTrue(out().matches("syncnode \\S+\\R"), out());
  }

  @Test
  void invalidConfigIsReportedWithTheKey() throws Exception {
    Path conf = write("config.yml", "sync:\n  http: { queueSize: -5 }\n");
    assertEquals(1, run(Map.of(), "-conf", conf.toString()));
    assertTrue(err().startsWith("invalid config: sync.http.queueSize: "), err());

    err.reset();
    assertEquals(1, run(Map.of("SYNCNODE_HTTP_PORT", "abc")));
    assertTrue(err().startsWith("invalid config: http.port: "), err());
    assertTrue(err().strip().endsWith("(from the environment variable SYNCNODE_HTTP_PORT)"), err());

    err.reset();
    assertEquals(1, run(Map.of(), "-conf", dir.resolve("missing.yml").toString()));
    assertTrue(err().startsWith("invalid config: ") && err().contains("missing.yml: file not found"), err());

    err.reset();
    Path broken = write("broken.yml", "http: [\n");
    assertEquals(1, run(Map.of(), "-conf", broken.toString()));
    assertTrue(err().contains("broken.yml: invalid YAML at line 2"), err());
  }

  @Test
  void yamlConfBecomesConfigPath() throws Exception {
    Path conf = write("config.yml", "http: { port: 8001 }\n");
    NodeLauncher.Prepared p = NodeLauncher.prepare(new String[] {"-conf", conf.toString(), "-cluster"}, Map.of());
    assertEquals(new JsonObject().put("configPath", conf.toAbsolutePath().toString()), p.deploymentConfig());
    assertArrayEquals(new String[] {"-cluster"}, p.launcherArgs());
    assertEquals(8001, p.config().http().port());

    p = NodeLauncher.prepare(new String[] {"--CONF=" + conf}, Map.of("SYNCNODE_HTTP_PORT", "0"));
    assertEquals(conf.toAbsolutePath().toString(), p.deploymentConfig().getString(NodeLauncher.CONFIG_PATH_KEY));
    assertEquals(0, p.config().http().port());

    // any file that is not a JSON object is YAML
    Path other = write("node.conf", "http:\n  port: 8002\n");
    p = NodeLauncher.prepare(new String[] {"-conf", other.toString()}, Map.of());
    assertEquals(other.toAbsolutePath().toString(), p.deploymentConfig().getString(NodeLauncher.CONFIG_PATH_KEY));
    assertEquals(8002, p.config().http().port());
  }

  @Test
  void jsonConfIsPassedOnAsItIs() throws Exception {
    NodeLauncher.Prepared p = NodeLauncher.prepare(new String[] {"-conf", "{\"http\":{\"port\":0}}"}, Map.of());
    assertEquals(new JsonObject().put("http", new JsonObject().put("port", 0)), p.deploymentConfig());
    assertEquals(0, p.config().http().port());

    Path json = write("conf.json", "{\"sync\": {\"grpcChunkSize\": 3}}");
    p = NodeLauncher.prepare(new String[] {"-conf", json.toString(), "-instances", "1", "-Cluster", "-cluster-port=5"},
        Map.of());
    assertEquals(3, p.deploymentConfig().getJsonObject("sync").getInteger("grpcChunkSize"));
    assertEquals(3, p.config().sync().grpcChunkSize());
    assertArrayEquals(new String[] {"-instances", "1", "-Cluster", "-cluster-port=5"}, p.launcherArgs());

    Path yaml = write("c.yml", "sync: { grpcChunkSize: 4 }\n");
    p = NodeLauncher.prepare(new String[] {"-conf", "{\"configPath\": \"" + yaml + "\"}"}, Map.of());
    assertEquals(4, p.config().sync().grpcChunkSize());

    ConfigException e = assertThrows(ConfigException.class,
        () -> NodeLauncher.prepare(new String[] {"-conf", "{\"sync\": {\"useGrpc\": \"no\"}}"}, Map.of()));
    assertEquals("sync.useGrpc", e.key());
  }

  @Test
  void noConfUsesDefaultsAndEnv() {
    NodeLauncher.Prepared p = NodeLauncher.prepare(new String[0], Map.of("SYNCNODE_NODE_ROLE", "worker"));
    assertEquals(new JsonObject(), p.deploymentConfig());
    assertEquals("WORKER", p.config().node().role().name());
  }

  @Test
  void strayArgumentsAreUsageErrors() {
    assertEquals(2, run(Map.of(), "conf/config.yml"));
    assertTrue(err().contains("unknown command or argument: conf/config.yml"), err());
    err.reset();
    assertEquals(2, run(Map.of(), "-conf"));
    err.reset();
    assertEquals(2, run(Map.of(), "-foo"));
    assertTrue(err().contains("unknown option: -foo"), err());
    err.reset();
    assertEquals(2, run(Map.of(), "-instances"));
  }

  @Test
  void syncDelegatesAndReturnsTheExitCode() {
    PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
    assertEquals(7, Main.runSync(FakeSyncCommand::main, new String[] {"--spider", "s1"}, e));
    assertArrayEquals(new String[] {"--spider", "s1"}, FakeSyncCommand.lastArgs);
    assertEquals(1, Main.runSync(args -> {
      throw new IllegalStateException("broken");
    }, new String[0], e));
    assertTrue(err().contains("syncnode sync: java.lang.IllegalStateException: broken"), err());
  }
}
