package dev.syncnode.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MultiMapConfig;
import com.hazelcast.config.NetworkConfig;
import dev.syncnode.cluster.fleet.FleetMasterVerticle;
import dev.syncnode.cluster.fleet.FleetWorkerVerticle;
import dev.syncnode.config.ConfigHolder;
import dev.syncnode.config.NodeConfig;
import dev.syncnode.metrics.SyncMetrics;
import dev.syncnode.worker.MasterLocator;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entry points of cluster mode.
 *
 * <p>Creating a clustered node: {@link #clusteredVertx(NodeConfig)} (tests, embedders), or
 * {@link #clusterManager(NodeConfig)} on the launcher's builder (Main, when {@code -cluster} is given). Without either, the launcher's {@code -cluster} finds vertx-hazelcast by ServiceLoader
 * and reads {@code cluster.xml} from the classpath (shipped in the jar: the same settings as
 * {@link #hazelcastConfig} with the defaults {@code syncnode}, {@code 127.0.0.1}, 5701), or the file
 * named by the system property {@code vertx.hazelcast.config}.
 *
 * <p>Once Vert.x is clustered, {@code NodeVerticle} calls {@link #deployNode} after the role's
 * verticles, and a worker consults {@link #masterLocator(Vertx)} before each sync.
 */
public final class ClusterSupport {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterSupport.class);
  /** Hazelcast member heartbeat, seconds. */
  public static final int HEARTBEAT_SECONDS = 1;
  /** A member that sent no heartbeat for this long is removed: a killed node leaves within ~10 s. */
  public static final int MAX_NO_HEARTBEAT_SECONDS = 6;
  /** Ports tried per member given without a port ({@code cluster.port} and up), so several nodes fit on one host. */
  public static final int PORT_TRY_COUNT = 10;

  /** Hazelcast properties shared by the programmatic config and {@code cluster.xml}. */
  public static final Map<String, String> PROPERTIES = properties();

  private ClusterSupport() {}

  private static Map<String, String> properties() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("hazelcast.phone.home.enabled", "false");
    p.put("hazelcast.wait.seconds.before.join", "0");
    p.put("hazelcast.heartbeat.interval.seconds", Integer.toString(HEARTBEAT_SECONDS));
    p.put("hazelcast.max.no.heartbeat.seconds", Integer.toString(MAX_NO_HEARTBEAT_SECONDS));
    p.put("hazelcast.tcp.join.port.try.count", Integer.toString(PORT_TRY_COUNT));
    p.put("hazelcast.logging.type", "slf4j");
    return Map.copyOf(p);
  }

  /**
   * The Hazelcast configuration of a node: cluster name {@code cluster.name}, TCP-IP join on
   * {@code cluster.members} ("host" or "host:port"), listening on {@code cluster.port} (the next free
   * port when taken); no multicast, no auto-detection, no phone-home, no join wait. When every member
   * is a loopback address the node binds to 127.0.0.1 only. Includes the maps vertx-hazelcast needs.
   */
  public static Config hazelcastConfig(NodeConfig.Cluster cluster) {
    Config cfg = new Config();
    cfg.setClusterName(cluster.name());
    PROPERTIES.forEach(cfg::setProperty);
    NetworkConfig net = cfg.getNetworkConfig();
    net.setPort(cluster.port()).setPortAutoIncrement(true).setPortCount(100);
    JoinConfig join = net.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setMembers(cluster.members());
    if (allLoopback(cluster.members())) {
      net.getInterfaces().setEnabled(true).addInterface("127.0.0.1");
      cfg.setProperty("hazelcast.socket.bind.any", "false");
    }
    // the structures vertx-hazelcast expects (as in its default-cluster.xml)
    cfg.addMultiMapConfig(new MultiMapConfig("__vertx.subs").setBackupCount(1)
        .setValueCollectionType(MultiMapConfig.ValueCollectionType.SET));
    cfg.addMapConfig(new MapConfig("__vertx.haInfo").setBackupCount(1));
    cfg.addMapConfig(new MapConfig("__vertx.nodeInfo").setBackupCount(1));
    cfg.addMapConfig(new MapConfig(NodeRegistry.MAP).setBackupCount(1));
    return cfg;
  }

  static boolean allLoopback(List<String> members) {
    if (members == null || members.isEmpty()) {
      return false;
    }
    for (String m : members) {
      String host = hostOf(m);
      if (!(host.equals("localhost") || host.startsWith("127.") || host.equals("::1") || host.equals("[::1]"))) {
        return false;
      }
    }
    return true;
  }

  private static String hostOf(String member) {
    String m = member.trim();
    int colon = m.lastIndexOf(':');
    return colon > 0 && m.indexOf(':') == colon ? m.substring(0, colon) : m;
  }

  /** A cluster manager for this node's {@code cluster.*} settings. */
  public static HazelcastClusterManager clusterManager(NodeConfig config) {
    return new HazelcastClusterManager(hazelcastConfig(config.cluster()));
  }

  /** A clustered Vert.x joined to the cluster of {@code config.cluster()}. */
  public static Future<Vertx> clusteredVertx(NodeConfig config) {
    return Vertx.builder().withClusterManager(clusterManager(config)).buildClustered();
  }

  /**
   * When the launcher built the cluster manager from {@code cluster.xml} (not from {@code cluster.*}),
   * says so if the two disagree on the cluster name, so an operator is not surprised.
   */
  private static void warnIfClusterSettingsIgnored(Vertx vertx, NodeConfig c) {
    if (managerOf(vertx) instanceof HazelcastClusterManager hz && hz.getHazelcastInstance() != null) {
      String actual = hz.getHazelcastInstance().getConfig().getClusterName();
      if (!actual.equals(c.cluster().name())) {
        LOG.warn("joined Hazelcast cluster '{}' as configured by cluster.xml / -Dvertx.hazelcast.config; "
            + "cluster.name '{}' (and cluster.members/port) were not applied", actual, c.cluster().name());
      }
    }
  }

  /** The cluster manager of a clustered Vert.x, or null. */
  public static ClusterManager managerOf(Vertx vertx) {
    return vertx.isClustered() && vertx instanceof VertxInternal vi ? vi.clusterManager() : null;
  }

  /** This node's Vert.x node id, or null when not clustered. */
  public static String localNodeId(Vertx vertx) {
    ClusterManager cm = managerOf(vertx);
    return cm == null ? null : cm.getNodeId();
  }

  /** Node ids of the current cluster members (this node's local view; does not block). */
  public static Set<String> liveNodeIds(Vertx vertx) {
    ClusterManager cm = managerOf(vertx);
    if (cm == null || !cm.isActive()) {
      return Set.of();
    }
    return new HashSet<>(cm.getNodes());
  }

  /** Finds a live master through the cluster; null when Vert.x is not clustered. */
  public static MasterLocator masterLocator(Vertx vertx) {
    return vertx.isClustered() ? new ClusterMasterLocator(vertx) : null;
  }

  /**
   * Deploys the cluster verticles of a node (after its role's verticles, so the ports are known):
   * master: task manager, then registry entry; worker: task consumer, then registry entry. Does nothing
   * when Vert.x is not clustered.
   *
   * @param grpcPort the master's bound gRPC port (-1 on workers)
   * @param httpPort the node's bound HTTP port
   */
  public static Future<Void> deployNode(Vertx vertx, ConfigHolder config, SyncMetrics metrics, int grpcPort,
      int httpPort) {
    return deployNode(vertx, config, metrics, grpcPort, httpPort, null);
  }

  /**
   * As above, announcing {@code version} in the registry; the fleet view's verticle comes last (a
   * worker's join snapshot needs its registry entry, by which the master knows the sender).
   */
  public static Future<Void> deployNode(Vertx vertx, ConfigHolder config, SyncMetrics metrics, int grpcPort,
      int httpPort, String version) {
    if (!vertx.isClustered()) {
      return Future.succeededFuture();
    }
    warnIfClusterSettingsIgnored(vertx, config.get());
    boolean master = config.get().node().role() == NodeConfig.Role.MASTER;
    Future<String> first = master
        ? vertx.deployVerticle(new TaskManagerVerticle(config, TaskTable.DEFAULT_MAX_TASKS))
        : vertx.deployVerticle(new WorkerTaskVerticle(config));
    return first
        .compose(id -> vertx.deployVerticle(new NodeRegistryVerticle(config, grpcPort, httpPort, version)))
        .compose(id -> vertx.deployVerticle(master ? new FleetMasterVerticle(config) : new FleetWorkerVerticle(config)))
        .mapEmpty();
  }
}
