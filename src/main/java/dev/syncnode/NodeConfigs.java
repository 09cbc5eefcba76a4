package dev.syncnode;

import dev.syncnode.config.ConfigHolder;
import dev.syncnode.config.NodeConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/** Loads the node configuration named by the verticle config (placeholder until the YAML loader lands). */
final class NodeConfigs {
  private NodeConfigs() {}

  static Future<ConfigHolder> load(Vertx vertx, JsonObject verticleConfig) {
    return Future.succeededFuture(new ConfigHolder(NodeConfig.defaults()));
  }
}
