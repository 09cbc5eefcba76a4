package dev.syncnode.node;

import dev.syncnode.config.NodeConfig;
import dev.syncnode.metrics.SyncMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.micrometer.backends.BackendRegistries;

/** Picks the registry for the syncnode series: Vert.x's own Prometheus registry when it runs one. */
final class NodeMetrics {
  private NodeMetrics() {}

  static SyncMetrics create(NodeConfig c) {
    MeterRegistry vertxRegistry = BackendRegistries.getDefaultNow();
    return vertxRegistry != null ? new SyncMetrics(vertxRegistry) : SyncMetrics.standalone();
  }
}
