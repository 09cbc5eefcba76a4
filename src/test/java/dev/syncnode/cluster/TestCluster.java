package dev.syncnode.cluster;

import dev.syncnode.config.ConfigHolder;
import dev.syncnode.config.NodeConfig;
import dev.syncnode.metrics.SyncMetrics;
import dev.syncnode.node.NodeVerticle;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Clustered nodes in one JVM for tests: each node is its own clustered Vert.x instance on loopback,
 * in a cluster with a random name; the first started node (the master) is the seed member. Blocking
 * helpers are called from the JUnit thread.
 */
final class TestCluster implements AutoCloseable {
  static final long WAIT_MS = 30_000;

  final String name = "syncnode-test-" + UUID.randomUUID();
  final Vertx client = Vertx.vertx();
  final WebClient http = WebClient.create(client);
  private final List<Node> nodes = new ArrayList<>();
  private final List<String> extraMembers = new ArrayList<>();
  private int seedPort = -1;

  /** One started node. */
  static final class Node {
    final String key;
    final Vertx vertx;
    final ConfigHolder config;
    final SyncMetrics metrics;
    final NodeVerticle verticle;

    Node(String key, Vertx vertx, ConfigHolder config, SyncMetrics metrics, NodeVerticle verticle) {
      this.key = key;
      this.vertx = vertx;
      this.config = config;
      this.metrics = metrics;
      this.verticle = verticle;
    }

    int httpPort() {
      return verticle.httpPort();
    }

    Path workspace() {
      return Path.of(config.get().node().workspace());
    }
  }

  /** The config of a node of this cluster: loopback, ephemeral HTTP/gRPC ports, short timeouts. */
  NodeConfig config(NodeConfig.Role role, String key, Path workspace) throws IOException {
    int port = freePort();
    if (seedPort < 0) {
      seedPort = port;
    }
    NodeConfig d = NodeConfig.defaults();
    NodeConfig.Sync s = d.sync();
    return new NodeConfig(
        new NodeConfig.Node(role, key, workspace.toString()),
        new NodeConfig.Endpoint("127.0.0.1", 0),
        new NodeConfig.Endpoint("127.0.0.1", 0),
        // never used in cluster mode: the worker finds the master through the cluster
        new NodeConfig.Master("127.0.0.1:1", "http://127.0.0.1:1"),
        new NodeConfig.Sync(s.useGrpc(), s.grpcCacheTtl(), s.grpcChunkSize(), s.ignore(), s.http(),
            new NodeConfig.Retry(3, Duration.ofMillis(10), Duration.ofMillis(50)),
            new NodeConfig.Timeout(Duration.ofSeconds(30), Duration.ofSeconds(10))),
        d.auth(), d.tls(), d.metrics(),
        new NodeConfig.Cluster(name, members(), port));
  }

  private List<String> members() {
    List<String> members = new ArrayList<>(extraMembers);
    members.add(0, seedAddress());
    return members;
  }

  /** host:port of the seed member (the first node). */
  String seedAddress() {
    return "127.0.0.1:" + seedPort;
  }

  /** Also try this member when joining (e.g. a node of another cluster). */
  TestCluster alsoTry(String member) {
    extraMembers.add(member);
    return this;
  }

  Node start(NodeConfig.Role role, String key, Path workspace) throws Exception {
    NodeConfig c = config(role, key, workspace);
    Vertx vertx = await(ClusterSupport.clusteredVertx(c));
    ConfigHolder holder = new ConfigHolder(c);
    SyncMetrics metrics = SyncMetrics.standalone();
    NodeVerticle verticle = new NodeVerticle(holder, metrics);
    try {
      await(vertx.deployVerticle(verticle));
    } catch (Exception e) {
      vertx.close();
      throw e;
    }
    Node node = new Node(key, vertx, holder, metrics, verticle);
    synchronized (nodes) {
      nodes.add(node);
    }
    return node;
  }

  Node master(Path workspace) throws Exception {
    return start(NodeConfig.Role.MASTER, "master-1", workspace);
  }

  Node worker(String key, Path workspace) throws Exception {
    return start(NodeConfig.Role.WORKER, key, workspace);
  }

  /** Closes one node cleanly (it leaves the cluster). */
  void close(Node node) throws Exception {
    synchronized (nodes) {
      nodes.remove(node);
    }
    await(node.vertx.close());
  }

  // ---- HTTP ----

  Future<HttpResponse<Buffer>> send(Node node, HttpMethod method, String path, Buffer body) {
    var req = http.request(method, node.httpPort(), "127.0.0.1", path);
    return body == null ? req.send() : req.putHeader("Content-Type", "application/json").sendBuffer(body);
  }

  HttpResponse<Buffer> get(Node node, String path) throws Exception {
    return await(send(node, HttpMethod.GET, path, null));
  }

  HttpResponse<Buffer> post(Node node, String path, String body) throws Exception {
    return await(send(node, HttpMethod.POST, path, Buffer.buffer(body)));
  }

  JsonArray nodes(Node master) throws Exception {
    return get(master, "/api/nodes").bodyAsJsonArray();
  }

  /** Node keys listed by {@code GET /api/nodes}, in answer order. */
  List<String> nodeKeys(Node master) throws Exception {
    List<String> keys = new ArrayList<>();
    for (Object o : nodes(master)) {
      keys.add(((JsonObject) o).getString("key"));
    }
    return keys;
  }

  Future<List<String>> nodeKeysAsync(Node master) {
    return send(master, HttpMethod.GET, "/api/nodes", null).map(r -> {
      List<String> keys = new ArrayList<>();
      for (Object o : r.bodyAsJsonArray()) {
        keys.add(((JsonObject) o).getString("key"));
      }
      return keys;
    });
  }

  Future<JsonObject> taskAsync(Node master, String id) {
    return send(master, HttpMethod.GET, "/api/tasks/" + id, null).map(HttpResponse::bodyAsJsonObject);
  }

  /** Polls the task until its status is one of {@code statuses}; answers the task JSON. */
  JsonObject awaitTask(Node master, String id, String... statuses) throws Exception {
    JsonObject[] last = new JsonObject[1];
    try {
      await(eventually(() -> taskAsync(master, id).map(t -> {
        last[0] = t;
        return List.of(statuses).contains(t.getString("status"));
      }), "task " + id + " to become " + String.join("|", statuses)));
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "; last seen " + last[0], e);
    }
    return last[0];
  }

  // ---- waiting ----

  /** Polls {@code check} with a Vert.x timer every 50 ms until it answers true, at most {@link #WAIT_MS}. */
  Future<Void> eventually(Supplier<Future<Boolean>> check, String what) {
    Promise<Void> done = Promise.promise();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
    poll(check, what, deadline, done);
    return done.future();
  }

  private void poll(Supplier<Future<Boolean>> check, String what, long deadline, Promise<Void> done) {
    check.get().onComplete(ar -> {
      if (ar.succeeded() && Boolean.TRUE.equals(ar.result())) {
        done.complete();
      } else if (System.nanoTime() > deadline) {
        done.fail(new AssertionError("timed out waiting for " + what
            + (ar.failed() ? " (last check failed: " + ar.cause() + ")" : "")));
      } else {
        client.setTimer(50, id -> poll(check, what, deadline, done));
      }
    });
  }

  static <T> T await(Future<T> f) throws Exception {
    try {
      return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception ex) {
        throw ex;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw e;
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() throws Exception {
    List<Node> all;
    synchronized (nodes) {
      all = new ArrayList<>(nodes);
      nodes.clear();
    }
    // workers first, the master (seed) last
    for (int i = all.size() - 1; i >= 0; i--) {
      try {
        all.get(i).vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        // a killed node may not close cleanly
      }
    }
    http.close();
    client.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
