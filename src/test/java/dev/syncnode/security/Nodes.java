package dev.syncnode.security;

import static dev.syncnode.it.Cluster.await;

import dev.syncnode.bus.Addresses;
import dev.syncnode.config.ConfigHolder;
import dev.syncnode.config.NodeConfig;
import dev.syncnode.metrics.SyncMetrics;
import dev.syncnode.node.NodeVerticle;
import dev.syncnode.worker.SyncReport;
import dev.syncnode.worker.SyncRequest;
import dev.syncnode.worker.WorkerSyncVerticle;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;

/** Test nodes on loopback ports: a master node, and a bare worker (sync verticle only) per config. */
final class Nodes {
  private Nodes() {}

  /** A master node in its own Vert.x instance, built with the {@link AcceptGate} as the launcher builds it. */
  static final class Master implements AutoCloseable {
    final Vertx vertx = AcceptGate.install(Vertx.builder(), new VertxOptions()).build();
    final ConfigHolder config;
    final SyncMetrics metrics = SyncMetrics.standalone();
    final NodeVerticle node;

    Master(Path workspace, UnaryOperator<NodeConfig> tweak) throws Exception {
      NodeConfig c = tweak.apply(NodeConfig.defaults()
          .withNode(new NodeConfig.Node(NodeConfig.Role.MASTER, "master-1", workspace.toString()))
          .withHttp(new NodeConfig.Endpoint("127.0.0.1", 0))
          .withGrpc(new NodeConfig.Endpoint("127.0.0.1", 0)));
      config = new ConfigHolder(c);
      node = new NodeVerticle(config, metrics);
      try {
        await(vertx.deployVerticle(node));
      } catch (Exception e) {
        await(vertx.close());
        throw e;
      }
    }

    String grpc() {
      return "127.0.0.1:" + node.grpcPort();
    }

    int httpPort() {
      return node.httpPort();
    }

    @Override
    public void close() throws Exception {
      await(vertx.close());
    }
  }

  /** A worker: the sync verticle alone, with its own config (a hot-swappable holder). */
  static final class Worker implements AutoCloseable {
    final Vertx vertx = Vertx.vertx();
    final ConfigHolder config;
    final SyncMetrics metrics = SyncMetrics.standalone();

    Worker(NodeConfig c) throws Exception {
      config = new ConfigHolder(c);
      await(vertx.deployVerticle(new WorkerSyncVerticle(config, metrics)));
    }

    Future<SyncReport> syncAsync(String spiderId, Path dest) {
      return vertx.eventBus()
          .<SyncReport>request(Addresses.WORKER_SYNC, new SyncRequest(spiderId, dest.toString()),
              new DeliveryOptions().setSendTimeout(110_000))
          .map(Message::body);
    }

    SyncReport sync(String spiderId, Path dest) throws Exception {
      return await(syncAsync(spiderId, dest));
    }

    /** The failure message of a sync that must fail. */
    String failure(String spiderId, Path dest) throws Exception {
      try {
        SyncReport r = sync(spiderId, dest);
        throw new AssertionError("sync was expected to fail but succeeded: " + r);
      } catch (io.vertx.core.eventbus.ReplyException e) {
        return String.valueOf(e.getMessage());
      }
    }

    @Override
    public void close() throws Exception {
      await(vertx.close());
    }
  }

  /** A worker config for the given master addresses (http may be empty: gRPC only). */
  static NodeConfig worker(String grpc, String http) {
    return NodeConfig.defaults()
        .withNode(new NodeConfig.Node(NodeConfig.Role.WORKER, "worker-1", "unused"))
        .withHttp(new NodeConfig.Endpoint("127.0.0.1", 0))
        .withMaster(new NodeConfig.Master(grpc == null ? "" : grpc, http == null ? "" : http))
        .withSync(sync(NodeConfig.defaults().sync(), 3, Duration.ofMillis(5), Duration.ofMillis(20), null));
  }

  /** The sync section with other retries and (when not null) the same timeout for scans and downloads. */
  static NodeConfig.Sync sync(NodeConfig.Sync s, int attempts, Duration initial, Duration max, Duration timeout) {
    return new NodeConfig.Sync(s.useGrpc(), s.grpcCacheTtl(), s.grpcChunkSize(), s.ignore(), s.http(),
        new NodeConfig.Retry(attempts, initial, max),
        timeout == null ? s.timeout() : new NodeConfig.Timeout(timeout, timeout));
  }

  static NodeConfig withTimeouts(NodeConfig c, Duration timeout) {
    NodeConfig.Sync s = c.sync();
    return c.withSync(sync(s, s.retry().maxAttempts(), s.retry().initialBackoff(), s.retry().maxBackoff(), timeout));
  }

  static NodeConfig withTtl(NodeConfig c, Duration ttl) {
    NodeConfig.Sync s = c.sync();
    return c.withSync(new NodeConfig.Sync(s.useGrpc(), ttl, s.grpcChunkSize(), s.ignore(), s.http(), s.retry(),
        s.timeout()));
  }

  static NodeConfig tls(NodeConfig c, TestCerts certs, boolean serve) {
    return c.withTls(new NodeConfig.Tls(serve, serve ? certs.cert().toString() : "",
        serve ? certs.key().toString() : "", certs.cert().toString()));
  }

  static List<String> lines(String s) {
    return List.of(s.split("\n"));
  }
}
