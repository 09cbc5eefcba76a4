package dev.syncnode.config;

import java.time.Duration;
import java.util.List;

/**
 * The whole node configuration, immutable. One instance per (re)load; components read the current
 * one from a {@link ConfigHolder} per request so hot-reloadable keys take effect on the next request.
 * Field names follow the YAML keys of DESIGN.md section 3.
 */
public record NodeConfig(
    Node node,
    Endpoint http,
    Endpoint grpc,
    Master master,
    Sync sync,
    Auth auth,
    Tls tls,
    Metrics metrics,
    Cluster cluster) {

  public enum Role { MASTER, WORKER }

  public record Node(Role role, String key, String workspace) {}

  /**
   * A listening port. {@code idleTimeout}: a connection with no bytes in either direction for this
   * long is closed (0: never), so a stalled client cannot hold a slot forever.
   */
  public record Endpoint(String host, int port, Duration idleTimeout) {
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);

    public Endpoint {
      idleTimeout = idleTimeout == null ? DEFAULT_IDLE_TIMEOUT : idleTimeout;
    }

    public Endpoint(String host, int port) {
      this(host, port, DEFAULT_IDLE_TIMEOUT);
    }
  }

  /** Where a worker finds its master: gRPC as host:port, HTTP as a base URL. */
  public record Master(String grpc, String http) {}

  public record Sync(
      boolean useGrpc,
      Duration grpcCacheTtl,
      int grpcChunkSize,
      List<String> ignore,
      HttpLimits http,
      Retry retry,
      Timeout timeout,
      int parallelDownloads,
      boolean compression,
      boolean watchDestinations,
      long maxManifestBytes) {

    /** Default of {@code sync.parallelDownloads}: large files downloaded at the same time. */
    public static final int DEFAULT_PARALLEL_DOWNLOADS = 4;
    /** Default of {@code sync.maxManifestBytes}: what a master's manifest may cost a worker (64 MiB). */
    public static final long DEFAULT_MAX_MANIFEST_BYTES = 64L * 1024 * 1024;

    /** Without {@code sync.maxManifestBytes}, which then takes its default. */
    public Sync(boolean useGrpc, Duration grpcCacheTtl, int grpcChunkSize, List<String> ignore, HttpLimits http,
        Retry retry, Timeout timeout, int parallelDownloads, boolean compression, boolean watchDestinations) {
      this(useGrpc, grpcCacheTtl, grpcChunkSize, ignore, http, retry, timeout, parallelDownloads, compression,
          watchDestinations, DEFAULT_MAX_MANIFEST_BYTES);
    }

    /** The seed's keys only; the transfer keys take their defaults. */
    public Sync(boolean useGrpc, Duration grpcCacheTtl, int grpcChunkSize, List<String> ignore, HttpLimits http,
        Retry retry, Timeout timeout) {
      this(useGrpc, grpcCacheTtl, grpcChunkSize, ignore, http, retry, timeout, DEFAULT_PARALLEL_DOWNLOADS, true);
    }

    /** Without {@code sync.watchDestinations}, which then takes its default (on). */
    public Sync(boolean useGrpc, Duration grpcCacheTtl, int grpcChunkSize, List<String> ignore, HttpLimits http,
        Retry retry, Timeout timeout, int parallelDownloads, boolean compression) {
      this(useGrpc, grpcCacheTtl, grpcChunkSize, ignore, http, retry, timeout, parallelDownloads, compression, true);
    }

    public Sync withTransfer(int parallelDownloads, boolean compression) {
      return new Sync(useGrpc, grpcCacheTtl, grpcChunkSize, ignore, http, retry, timeout, parallelDownloads,
          compression, watchDestinations, maxManifestBytes);
    }

    public Sync withMaxManifestBytes(long bytes) {
      return new Sync(useGrpc, grpcCacheTtl, grpcChunkSize, ignore, http, retry, timeout, parallelDownloads,
          compression, watchDestinations, bytes);
    }
  }

  public record HttpLimits(int scanMaxConcurrent, int downloadMaxConcurrent, int queueSize) {}

  public record Retry(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {}

  public record Timeout(Duration scan, Duration download) {}

  public record Auth(String token) {
    public boolean enabled() {
      return token != null && !token.isEmpty();
    }
  }

  public record Tls(boolean enabled, String certPath, String keyPath, String caPath) {}

  /** {@code requireAuth}: {@code GET /metrics} needs the bearer token too (default: open). */
  public record Metrics(boolean enabled, boolean requireAuth) {
    public Metrics(boolean enabled) {
      this(enabled, false);
    }
  }

  public record Cluster(String name, List<String> members, int port) {}

  public static final List<String> DEFAULT_IGNORE =
      List.of(".git/", "node_modules/", "__pycache__/", "*.pyc", "*.pyo", "*.tmp", "*.swp");

  /** A worker's defaults for node.key and node.workspace (a master's are in {@link #defaults()}). */
  public static final Node WORKER_NODE = new Node(Role.WORKER, "worker-1", "data/worker");

  /** Every default of DESIGN.md section 3. */
  public static NodeConfig defaults() {
    return new NodeConfig(
        new Node(Role.MASTER, "node-1", "data/workspace"),
        new Endpoint("0.0.0.0", 8000, Duration.ofSeconds(60)),
        new Endpoint("0.0.0.0", 9666, Duration.ofMinutes(5)),
        new Master("127.0.0.1:9666", "http://127.0.0.1:8000"),
        new Sync(
            true,
            Duration.ofSeconds(60),
            100,
            DEFAULT_IGNORE,
            new HttpLimits(10, 16, 100),
            new Retry(5, Duration.ofMillis(200), Duration.ofSeconds(5)),
            new Timeout(Duration.ofMinutes(5), Duration.ofMinutes(2)),
            Sync.DEFAULT_PARALLEL_DOWNLOADS,
            true,
            true,
            Sync.DEFAULT_MAX_MANIFEST_BYTES),
        new Auth(""),
        new Tls(false, "", "", ""),
        new Metrics(true, false),
        new Cluster("syncnode", List.of("127.0.0.1"), 5701));
  }

  public NodeConfig withNode(Node n) {
    return new NodeConfig(n, http, grpc, master, sync, auth, tls, metrics, cluster);
  }

  public NodeConfig withHttp(Endpoint e) {
    return new NodeConfig(node, e, grpc, master, sync, auth, tls, metrics, cluster);
  }

  public NodeConfig withGrpc(Endpoint e) {
    return new NodeConfig(node, http, e, master, sync, auth, tls, metrics, cluster);
  }

  public NodeConfig withMaster(Master m) {
    return new NodeConfig(node, http, grpc, m, sync, auth, tls, metrics, cluster);
  }

  public NodeConfig withSync(Sync s) {
    return new NodeConfig(node, http, grpc, master, s, auth, tls, metrics, cluster);
  }

  public NodeConfig withAuth(Auth a) {
    return new NodeConfig(node, http, grpc, master, sync, a, tls, metrics, cluster);
  }

  public NodeConfig withTls(Tls t) {
    return new NodeConfig(node, http, grpc, master, sync, auth, t, metrics, cluster);
  }

  public NodeConfig withMetrics(Metrics m) {
    return new NodeConfig(node, http, grpc, master, sync, auth, tls, m, cluster);
  }
}
