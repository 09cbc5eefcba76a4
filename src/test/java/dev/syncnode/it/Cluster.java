package dev.syncnode.it;

import dev.syncnode.bus.Addresses;
import dev.syncnode.config.ConfigHolder;
import dev.syncnode.config.NodeConfig;
import dev.syncnode.metrics.SyncMetrics;
import dev.syncnode.node.NodeVerticle;
import dev.syncnode.worker.SyncReport;
import dev.syncnode.worker.SyncRequest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A master and a worker node on loopback with ephemeral ports, each in its own Vert.x instance, for
 * integration tests. Blocking helpers: tests call them from the JUnit thread.
 */
public final class Cluster implements AutoCloseable {
  public final Vertx masterVertx = Vertx.vertx();
  public final Vertx workerVertx = Vertx.vertx();
  public final NodeVerticle master;
  public final NodeVerticle worker;
  public final SyncMetrics masterMetrics = SyncMetrics.standalone();
  public final SyncMetrics workerMetrics = SyncMetrics.standalone();
  public final ConfigHolder masterConfig;
  public final ConfigHolder workerConfig;

  public Cluster(Path masterWorkspace, Path workerWorkspace) throws Exception {
    this(masterWorkspace, workerWorkspace, c -> c);
  }

  public Cluster(Path masterWorkspace, Path workerWorkspace,
      java.util.function.UnaryOperator<NodeConfig> tweak) throws Exception {
    NodeConfig base = tweak.apply(NodeConfig.defaults());
    masterConfig = new ConfigHolder(base
        .withNode(new NodeConfig.Node(NodeConfig.Role.MASTER, "master-1", masterWorkspace.toString()))
        .withHttp(new NodeConfig.Endpoint("127.0.0.1", 0))
        .withGrpc(new NodeConfig.Endpoint("127.0.0.1", 0)));
    master = new NodeVerticle(masterConfig, masterMetrics);
    await(masterVertx.deployVerticle(master));
    workerConfig = new ConfigHolder(base
        .withNode(new NodeConfig.Node(NodeConfig.Role.WORKER, "worker-1", workerWorkspace.toString()))
        .withHttp(new NodeConfig.Endpoint("127.0.0.1", 0))
        .withMaster(new NodeConfig.Master("127.0.0.1:" + master.grpcPort(),
            "http://127.0.0.1:" + master.httpPort())));
    worker = new NodeVerticle(workerConfig, workerMetrics);
    await(workerVertx.deployVerticle(worker));
  }

  /** Fast retries so failure tests do not wait long. */
  public static NodeConfig fastRetries(NodeConfig c) {
    NodeConfig.Sync s = c.sync();
    return c.withSync(new NodeConfig.Sync(s.useGrpc(), s.grpcCacheTtl(), s.grpcChunkSize(), s.ignore(), s.http(),
        new NodeConfig.Retry(3, Duration.ofMillis(10), Duration.ofMillis(50)), s.timeout()));
  }

  /** The worker uses HTTP only ({@code sync.useGrpc=false}). */
  public static NodeConfig httpOnly(NodeConfig c) {
    NodeConfig.Sync s = c.sync();
    return c.withSync(new NodeConfig.Sync(false, s.grpcCacheTtl(), s.grpcChunkSize(), s.ignore(), s.http(),
        s.retry(), s.timeout()));
  }

  /** Other HTTP throttle limits. */
  public static NodeConfig httpLimits(NodeConfig c, int scanMax, int downloadMax, int queueSize) {
    NodeConfig.Sync s = c.sync();
    return c.withSync(new NodeConfig.Sync(s.useGrpc(), s.grpcCacheTtl(), s.grpcChunkSize(), s.ignore(),
        new NodeConfig.HttpLimits(scanMax, downloadMax, queueSize), s.retry(), s.timeout()));
  }

  /** Points the worker at other master addresses (hot: the worker reads its config per sync). */
  public void pointWorkerAt(String grpcHostPort, String httpUrl) {
    workerConfig.set(workerConfig.get().withMaster(new NodeConfig.Master(grpcHostPort, httpUrl)));
  }

  public String masterHttpUrl() {
    return "http://127.0.0.1:" + master.httpPort();
  }

  public String masterGrpcAddress() {
    return "127.0.0.1:" + master.grpcPort();
  }

  public Future<SyncReport> syncAsync(String spiderId, Path dest) {
    return requestSync(workerVertx, spiderId, dest, 120_000);
  }

  /** Asks the worker node on {@code vertx} to sync a spider (dest null: its default destination). */
  static Future<SyncReport> requestSync(Vertx vertx, String spiderId, Path dest, long timeoutMs) {
    return vertx.eventBus()
        .<SyncReport>request(Addresses.WORKER_SYNC, new SyncRequest(spiderId, dest == null ? null : dest.toString()),
            new DeliveryOptions().setSendTimeout(timeoutMs))
        .map(Message::body);
  }

  public SyncReport sync(String spiderId, Path dest) throws Exception {
    return await(syncAsync(spiderId, dest));
  }

  public static <T> T await(Future<T> f) throws Exception {
    try {
      return f.toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof Exception ex) {
        throw ex;
      }
      throw e;
    }
  }

  @Override
  public void close() throws Exception {
    for (Vertx v : List.of(workerVertx, masterVertx)) {
      v.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }
}
