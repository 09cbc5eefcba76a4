package dev.syncnode.node;

import dev.syncnode.cli.SyncCommand;
import dev.syncnode.config.ConfigHolder;
import dev.syncnode.config.NodeConfig;
import dev.syncnode.metrics.SyncMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code node.jar selfcheck}: shows that this jar works on this machine. A master and a worker start
 * in this process on loopback ports over a spider generated in a temp directory; the worker syncs it
 * over gRPC, the {@code sync} command once over gRPC and once over HTTP; each copy is compared byte
 * for byte with the source; then everything is stopped and removed. The build runs it once to record
 * the class-data sharing archive ({@code target/node.jsa}): it loads what a node and the CLI load.
 */
public final class SelfCheck {
  static final String SPIDER = "selfcheck";
  private static final long TIMEOUT_S = 60;

  private SelfCheck() {}

  /** Runs the check; 0 when every copy matched, 1 with one line on {@code err} when something failed. */
  public static int run(PrintStream out, PrintStream err) {
    long start = System.nanoTime();
    Path tmp = null;
    Vertx masterVertx = Vertx.vertx();
    Vertx workerVertx = Vertx.vertx();
    try {
      tmp = Files.createTempDirectory("syncnode-selfcheck");
      Path spider = tmp.resolve("master").resolve(SPIDER);
      int files = writeSpider(spider);
      NodeVerticle master = new NodeVerticle(new ConfigHolder(node(NodeConfig.Role.MASTER, tmp.resolve("master"))
          .withGrpc(new NodeConfig.Endpoint("127.0.0.1", 0))), SyncMetrics.standalone());
      await(masterVertx.deployVerticle(master));
      String grpc = "127.0.0.1:" + master.grpcPort();
      String http = "http://127.0.0.1:" + master.httpPort();
      NodeVerticle worker = new NodeVerticle(new ConfigHolder(node(NodeConfig.Role.WORKER, tmp.resolve("worker"))
          .withMaster(new NodeConfig.Master(grpc, http))), SyncMetrics.standalone());
      await(workerVertx.deployVerticle(worker));

      JsonObject report = await(workerSync(workerVertx, worker.httpPort()));
      compare(spider, tmp.resolve("worker").resolve(SPIDER), "worker over " + report.getString("transport"));
      cliSync(tmp.resolve("cli-grpc"), "--master", grpc);
      compare(spider, tmp.resolve("cli-grpc"), "sync command over gRPC");
      cliSync(tmp.resolve("cli-http"), "--master-http", http, "--http-only");
      compare(spider, tmp.resolve("cli-http"), "sync command over HTTP");
      out.printf("selfcheck ok: a master and a worker started; %d files synced and verified over gRPC and HTTP"
          + " in %d ms%n", files, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
      return 0;
    } catch (Exception e) {
      err.println("selfcheck failed: " + e.getMessage());
      return 1;
    } finally {
      closeQuietly(workerVertx);
      closeQuietly(masterVertx);
      deleteQuietly(tmp);
    }
  }

  private static NodeConfig node(NodeConfig.Role role, Path workspace) {
    return NodeConfig.defaults()
        .withNode(new NodeConfig.Node(role, "selfcheck-" + role.name().toLowerCase(), workspace.toString()))
        .withHttp(new NodeConfig.Endpoint("127.0.0.1", 0));
  }

  /** Text files in two directories and two binaries: the bulk, whole-file and compressed paths all run. */
  private static int writeSpider(Path spider) throws IOException {
    Random random = new Random(42);
    Files.createDirectories(spider.resolve("lib"));
    List<Path> written = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      Path p = spider.resolve(i % 2 == 0 ? "lib" : ".").resolve("module" + i + ".py").normalize();
      written.add(Files.writeString(p, ("def handler_" + i + "(item):\n    return item\n").repeat(40 + i)));
    }
    byte[] noise = new byte[3 << 20];
    random.nextBytes(noise);
    written.add(Files.write(spider.resolve("model.bin"), noise));
    written.add(Files.write(spider.resolve("lib").resolve("table.dat"),
        "0123456789abcdef".repeat(64 << 10).getBytes(StandardCharsets.US_ASCII)));
    return written.size();
  }

  private static Future<JsonObject> workerSync(Vertx vertx, int port) {
    HttpClient client = vertx.createHttpClient();
    return client.request(HttpMethod.POST, port, "127.0.0.1", "/api/sync/" + SPIDER)
        .compose(req -> req.send())
        .compose(resp -> resp.body().map(body -> expect200(resp, body)))
        .eventually(client::close);
  }

  private static JsonObject expect200(HttpClientResponse resp, Buffer body) {
    if (resp.statusCode() != 200) {
      throw new IllegalStateException("worker sync answered " + resp.statusCode() + ": " + body);
    }
    return body.toJsonObject();
  }

  private static void cliSync(Path dest, String... master) {
    List<String> args = new ArrayList<>(List.of(master));
    args.addAll(List.of("--spider", SPIDER, "--dest", dest.toString(), "--json"));
    PrintStream discard = new PrintStream(OutputStream.nullOutputStream());
    int code = SyncCommand.run(args.toArray(String[]::new), discard, discard, Map.of());
    if (code != SyncCommand.OK) {
      throw new IllegalStateException("sync command " + String.join(" ", master) + " exited with " + code);
    }
  }

  /** Every source file is in the copy with the same bytes. */
  private static void compare(Path source, Path copy, String what) throws IOException {
    try (Stream<Path> walk = Files.walk(source)) {
      for (Path p : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
        Path c = copy.resolve(source.relativize(p).toString());
        if (!Files.isRegularFile(c) || Files.mismatch(p, c) != -1) {
          throw new IllegalStateException(what + ": " + source.relativize(p) + " is missing or differs");
        }
      }
    }
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(TIMEOUT_S, TimeUnit.SECONDS);
  }

  private static void closeQuietly(Vertx vertx) {
    try {
      await(vertx.close());
    } catch (Exception e) {
      // the check's outcome is already decided
    }
  }

  private static void deleteQuietly(Path dir) {
    if (dir == null) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // a temp directory left behind is harmless
    }
  }
}
