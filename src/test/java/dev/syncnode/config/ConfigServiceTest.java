package dev.syncnode.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Hot reload against a real file with a 50 ms scan period. The test thread writes the file and then
 * blocks on the events the service reports (reload or rejection); it never sleeps.
 */
@ExtendWith(VertxExtension.class)
class ConfigServiceTest {
  private static final long SCAN_MS = 50;

  @TempDir Path dir;
  private Path file;
  private final BlockingQueue<Object> events = new LinkedBlockingQueue<>();
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final Logger logger = (Logger) LoggerFactory.getLogger("dev.syncnode.config");
  private ConfigService service;

  @BeforeEach
  void setUp() {
    file = dir.resolve("config.yml");
    logs.start();
    logger.addAppender(logs);
  }

  @AfterEach
  void tearDown() throws Exception {
    logger.detachAppender(logs);
    if (service != null) {
      await(service.stop());
    }
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private ConfigHolder start(Vertx vertx, String yaml, Map<String, String> env) throws Exception {
    Files.writeString(file, yaml);
    service = new ConfigService(vertx, file.toString(), SCAN_MS, env);
    service.onReload(events::add).onError(events::add);
    return await(service.start());
  }

  /**
   * Replaces the file in one step, as an editor that saves atomically does: a write in place could be
   * read half-done by the poller (an empty file is a valid config), which is not what these tests edit.
   */
  private void edit(String yaml) throws Exception {
    Path next = dir.resolve("config.yml.next");
    Files.writeString(next, yaml);
    Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private Object nextEvent() throws InterruptedException {
    Object e = events.poll(10, TimeUnit.SECONDS);
    assertNotNull(e, "no reload or rejection reported within 10 s");
    return e;
  }

  private NodeConfig nextReload() throws InterruptedException {
    return assertInstanceOf(NodeConfig.class, nextEvent());
  }

  private ConfigException nextRejection() throws InterruptedException {
    return assertInstanceOf(ConfigException.class, nextEvent());
  }

  private boolean logged(String text) {
    return List.copyOf(logs.list).stream().anyMatch(e -> e.getFormattedMessage().contains(text));
  }

  @Test
  void loadsFileAndEnv(Vertx vertx) throws Exception {
    ConfigHolder h = start(vertx, "http: { port: 8001 }\nsync: { grpcChunkSize: 7 }\n",
        Map.of("SYNCNODE_SYNC_GRPCCHUNKSIZE", "9"));
    assertEquals(8001, h.get().http().port());
    assertEquals(9, h.get().sync().grpcChunkSize());
    assertEquals(h, service.holder());
  }

  @Test
  void withoutFileUsesDefaultsAndEnv(Vertx vertx) throws Exception {
    service = new ConfigService(vertx, null, SCAN_MS, Map.of("SYNCNODE_HTTP_PORT", "0"));
    ConfigHolder h = await(service.start());
    assertEquals(0, h.get().http().port());
    assertEquals(NodeConfig.defaults().sync(), h.get().sync());
  }

  @Test
  void emptyAndCommentOnlyFilesAreDefaults(Vertx vertx) throws Exception {
    assertEquals(NodeConfig.defaults(), start(vertx, "", Map.of()).get());
    await(service.stop());
    assertEquals(NodeConfig.defaults(), start(vertx, "# nothing set\n", Map.of()).get());
  }

  @Test
  void invalidInitialConfigFailsStartWithTheKey(Vertx vertx) throws Exception {
    Files.writeString(file, "sync: { http: { queueSize: -1 } }\n");
    service = new ConfigService(vertx, file.toString(), SCAN_MS, Map.of());
    ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
        () -> await(service.start()));
    assertEquals("sync.http.queueSize", assertInstanceOf(ConfigException.class, e.getCause()).key());

    Files.writeString(file, "sync: [unclosed\n");
    ConfigService bad = new ConfigService(vertx, file.toString(), SCAN_MS, Map.of());
    e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, () -> await(bad.start()));
    ConfigException ce = assertInstanceOf(ConfigException.class, e.getCause());
    assertEquals(file.toString(), ce.key());
    assertTrue(ce.detail().startsWith("invalid YAML"), ce.detail());

    ConfigService missing = new ConfigService(vertx, dir.resolve("nope.yml").toString(), SCAN_MS, Map.of());
    e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, () -> await(missing.start()));
    assertEquals("file not found", assertInstanceOf(ConfigException.class, e.getCause()).detail());
  }

  @Test
  void hotKeyChangeIsApplied(Vertx vertx) throws Exception {
    ConfigHolder h = start(vertx, "sync: { useGrpc: true }\n", Map.of());
    assertTrue(h.get().sync().useGrpc());

    edit("sync: { useGrpc: false }\n");
    NodeConfig reloaded = nextReload();
    assertFalse(reloaded.sync().useGrpc());
    assertFalse(h.get().sync().useGrpc());
    assertTrue(logged("config reloaded: sync.useGrpc"), "reload log line");
  }

  @Test
  void badEditsKeepTheLastGoodConfig(Vertx vertx) throws Exception {
    ConfigHolder h = start(vertx, "sync: { useGrpc: true, http: { queueSize: 10 } }\n", Map.of());
    NodeConfig good = h.get();

    edit("sync: { useGrpc: false, http: [ \n");
    ConfigException yamlError = nextRejection();
    assertEquals(file.toString(), yamlError.key());
    assertEquals(good, h.get());

    edit("sync: { useGrpc: false, http: { queueSize: -5 } }\n");
    assertEquals("sync.http.queueSize", nextRejection().key());
    assertEquals(good, h.get());
    assertTrue(logged("config change rejected, keeping the last good config: sync.http.queueSize"));

    edit("sync: { useGrpc: false, http: { queueSize: 20 } }\n");
    NodeConfig fixed = nextReload();
    assertFalse(fixed.sync().useGrpc());
    assertEquals(20, h.get().sync().http().queueSize());
  }

  @Test
  void restartKeyChangeIsNotApplied(Vertx vertx) throws Exception {
    ConfigHolder h = start(vertx, "http: { port: 8000 }\nsync: { useGrpc: true }\n", Map.of());

    edit("http: { port: 8001 }\nsync: { useGrpc: false }\n");
    NodeConfig reloaded = nextReload();
    assertEquals(8000, reloaded.http().port());
    assertEquals(8000, h.get().http().port());
    assertFalse(h.get().sync().useGrpc());
    assertTrue(logged("config change needs a restart, ignored: http.port"), "restart log line");
    assertTrue(logged("config reloaded: sync.useGrpc"));
  }

  @Test
  void envStillBeatsTheReloadedFile(Vertx vertx) throws Exception {
    ConfigHolder h = start(vertx, "auth: { token: a }\n", Map.of("SYNCNODE_AUTH_TOKEN", "env"));
    assertEquals("env", h.get().auth().token());
    edit("auth: { token: b }\nsync: { grpcChunkSize: 5 }\n");
    NodeConfig reloaded = nextReload();
    assertEquals("env", reloaded.auth().token());
    assertEquals(5, reloaded.sync().grpcChunkSize());
  }

  @Test
  void deploymentConfigWithoutPathIsTheConfigItself(Vertx vertx) throws Exception {
    service = ConfigService.fromDeploymentConfig(vertx,
        new JsonObject().put("sync", new JsonObject().put("grpcChunkSize", 3)));
    assertEquals(3, await(service.start()).get().sync().grpcChunkSize());
  }
}
