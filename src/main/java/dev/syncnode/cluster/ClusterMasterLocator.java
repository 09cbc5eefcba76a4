package dev.syncnode.cluster;

import dev.syncnode.config.NodeConfig;
import dev.syncnode.transport.TransportException;
import dev.syncnode.worker.MasterLocator;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the master in the cluster registry: keeps using the same master while it is a cluster member,
 * otherwise picks a live master that announced a gRPC or HTTP address (the first by key). Fails with
 * {@code UNAVAILABLE} when the cluster has no live master.
 */
final class ClusterMasterLocator implements MasterLocator {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterMasterLocator.class);

  private final Vertx vertx;
  private final NodeRegistry registry;
  private volatile NodeInfo current;

  ClusterMasterLocator(Vertx vertx) {
    this.vertx = vertx;
    this.registry = new NodeRegistry(vertx);
  }

  @Override
  public Future<NodeConfig.Master> locate(NodeConfig config) {
    NodeInfo known = current;
    if (known != null && ClusterSupport.liveNodeIds(vertx).contains(known.nodeId())) {
      return Future.succeededFuture(toMaster(known));
    }
    return registry.live().compose(nodes -> {
      List<NodeInfo> masters = nodes.stream()
          .filter(NodeInfo::isMaster)
          .filter(n -> n.grpc() != null || n.http() != null)
          .toList();
      if (masters.isEmpty()) {
        current = null;
        return Future.failedFuture(new TransportException(TransportException.Kind.UNAVAILABLE,
            "no live master in cluster " + config.cluster().name()));
      }
      NodeInfo pick = masters.get(0);
      current = pick;
      LOG.info("using master {} (gRPC {}, HTTP {})", pick.key(), pick.grpc(), pick.http());
      return Future.succeededFuture(toMaster(pick));
    });
  }

  private static NodeConfig.Master toMaster(NodeInfo master) {
    return new NodeConfig.Master(master.grpc() == null ? "" : master.grpc(), master.http() == null ? "" : master.http());
  }
}
