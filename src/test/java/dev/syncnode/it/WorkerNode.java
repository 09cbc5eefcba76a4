package dev.syncnode.it;

import dev.syncnode.config.ConfigHolder;
import dev.syncnode.config.NodeConfig;
import dev.syncnode.metrics.SyncMetrics;
import dev.syncnode.node.NodeVerticle;
import dev.syncnode.worker.SyncReport;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * A worker node alone, pointed at any gRPC address (a {@link FakeMaster}, a closed port), with no
 * HTTP fallback so failures are the gRPC ones.
 */
public final class WorkerNode implements AutoCloseable {
  public final Vertx vertx = Vertx.vertx();
  public final SyncMetrics metrics = SyncMetrics.standalone();
  public final NodeVerticle node;

  public WorkerNode(Path workspace, String masterGrpc, UnaryOperator<NodeConfig> tweak) throws Exception {
    NodeConfig c = tweak.apply(NodeConfig.defaults())
        .withNode(new NodeConfig.Node(NodeConfig.Role.WORKER, "worker-solo", workspace.toString()))
        .withHttp(new NodeConfig.Endpoint("127.0.0.1", 0))
        .withMaster(new NodeConfig.Master(masterGrpc, ""));
    node = new NodeVerticle(new ConfigHolder(c), metrics);
    Cluster.await(vertx.deployVerticle(node));
  }

  public Future<SyncReport> syncAsync(String spiderId, Path dest) {
    return Cluster.requestSync(vertx, spiderId, dest, 60_000);
  }

  public SyncReport sync(String spiderId, Path dest) throws Exception {
    return Cluster.await(syncAsync(spiderId, dest));
  }

  @Override
  public void close() throws Exception {
    Cluster.await(vertx.close());
  }
}
