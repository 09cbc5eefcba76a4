package dev.syncnode.worker;

import dev.syncnode.config.NodeConfig;
import io.vertx.core.Future;

/**
 * Where the master is when it is not simply {@code master} of the config: in cluster mode the worker
 * asks the cluster before each sync. A failure fails that sync.
 */
public interface MasterLocator {
  /** The master to sync from, given the current config. */
  Future<NodeConfig.Master> locate(NodeConfig current);
}
