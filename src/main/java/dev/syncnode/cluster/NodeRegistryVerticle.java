package dev.syncnode.cluster;

import dev.syncnode.config.ConfigHolder;
import dev.syncnode.config.NodeConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.spi.cluster.ClusterManager;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Announces this node in the {@link NodeRegistry} when deployed, refreshes {@code lastSeen} every
 * {@link #HEARTBEAT_MS}, and removes the entry when undeployed (a clean leave). On masters it also
 * prunes entries of nodes that left or died, on every Hazelcast membership change and every heartbeat.
 */
public final class NodeRegistryVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(NodeRegistryVerticle.class);
  public static final long HEARTBEAT_MS = 2000;
  private static final long LEAVE_TIMEOUT_MS = 5000;

  private final ConfigHolder config;
  private final int grpcPort;
  private final int httpPort;
  private final String version;
  private NodeRegistry registry;
  private NodeInfo self;
  private long timer = -1;
  private MembershipWatch watch;
  private boolean warned;

  /**
   * @param grpcPort the bound gRPC port of a master, else -1
   * @param httpPort the bound HTTP port
   */
  public NodeRegistryVerticle(ConfigHolder config, int grpcPort, int httpPort) {
    this(config, grpcPort, httpPort, null);
  }

  /** @param version this node's syncnode version, announced in its entry (null: none) */
  public NodeRegistryVerticle(ConfigHolder config, int grpcPort, int httpPort, String version) {
    this.config = config;
    this.grpcPort = grpcPort;
    this.httpPort = httpPort;
    this.version = version;
  }

  @Override
  public Future<?> start() {
    registry = new NodeRegistry(vertx);
    NodeConfig c = config.get();
    boolean master = c.node().role() == NodeConfig.Role.MASTER;
    String nodeId = ClusterSupport.localNodeId(vertx);
    long now = System.currentTimeMillis();
    String grpc = master && grpcPort > 0 ? hostForUrl(advertisedHost(c.grpc().host())) + ":" + grpcPort : null;
    String scheme = c.tls().enabled() ? "https" : "http";
    String http = httpPort > 0 ? scheme + "://" + hostForUrl(advertisedHost(c.http().host())) + ":" + httpPort : null;
    self = new NodeInfo(nodeId, c.node().key(), c.node().role(), grpc, http, now, now, version);
    if (master) {
      watch = MembershipWatch.start(vertx, context, this::prune);
    }
    return registry.put(self)
        .compose(v -> master ? registry.prune().mapEmpty() : Future.<Void>succeededFuture())
        .compose(v -> registry.live())
        .onSuccess(live -> {
          for (NodeInfo other : live) {
            if (other.key().equals(self.key()) && !other.nodeId().equals(nodeId)) {
              LOG.error("node key {} is also used by cluster node {}: node keys must be unique (tasks for {} "
                  + "would go to either node)", self.key(), other.nodeId(), self.key());
            }
          }
          LOG.info("joined cluster as {} {} (node id {}{}{})", self.role().name().toLowerCase(), self.key(), nodeId,
              grpc == null ? "" : ", gRPC " + grpc, http == null ? "" : ", HTTP " + http);
          timer = vertx.setPeriodic(HEARTBEAT_MS, id -> heartbeat(master));
        })
        .onFailure(err -> {
          if (watch != null) {
            watch.close();
          }
        });
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    if (watch != null) {
      watch.close();
    }
    return registry.remove(self.nodeId())
        .timeout(LEAVE_TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .recover(err -> {
          LOG.debug("could not remove registry entry on leave: {}", err.getMessage());
          return Future.succeededFuture();
        });
  }

  private void heartbeat(boolean master) {
    self = self.withLastSeen(System.currentTimeMillis());
    registry.put(self)
        .onSuccess(v -> warned = false)
        .onFailure(err -> {
          if (!warned) {
            LOG.warn("registry heartbeat failed: {}", err.getMessage());
            warned = true;
          }
        });
    if (master) {
      prune();
    }
  }

  private void prune() {
    registry.prune().onSuccess(n -> {
      if (n > 0) {
        LOG.info("removed {} registry entr{} of nodes that left the cluster", n, n == 1 ? "y" : "ies");
      }
    });
  }

  /** The host other nodes should use: the configured one, or the cluster host when bound to any address. */
  private String advertisedHost(String configured) {
    if (configured != null && !configured.isBlank() && !configured.equals("0.0.0.0") && !configured.equals("::")
        && !configured.equals("[::]")) {
      return configured;
    }
    ClusterManager cm = ClusterSupport.managerOf(vertx);
    String host = cm == null ? null : cm.clusterHost();
    return host == null || host.isBlank() ? "127.0.0.1" : host;
  }

  private static String hostForUrl(String host) {
    return host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
  }
}
