package dev.syncnode.config;

import dev.syncnode.manifest.IgnoreRules;
import java.time.Duration;
import java.util.List;

/**
 * The whole node configuration, immutable. One instance per (re)load; components read the current
 * one from a {@link ConfigHolder} per request so hot-reloadable keys take effect on the next request.
 * Field names follow the YAML keys of DESIGN.md section 3: a key's path is its place in this record
 * tree, and each key (default, parser, hot or not) is declared in {@link ConfigKeys}, which builds
 * these records; a new key is a record component plus one line there.
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
   * long is closed (0: never), so a stalled client cannot hold a slot forever. The other fields bound
   * what clients can hold (see {@code security.ConnectionGuard}): {@code headerTimeout}, the time a new
   * connection has to send its first complete request; {@code maxConnections} and
   * {@code maxConnectionsPerClient} (by remote address), open connections beyond which new ones are
   * closed at once; {@code maxStreamsPerConnection}, the HTTP/2 SETTINGS_MAX_CONCURRENT_STREAMS.
   */
  public record Endpoint(String host, int port, Duration idleTimeout, Duration headerTimeout, int maxConnections,
      int maxConnectionsPerClient, int maxStreamsPerConnection) {
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(10);
    /** Two ports of 400 plus open files stay below the usual soft limit of 1024 descriptors. */
    public static final int DEFAULT_MAX_CONNECTIONS = 400;
    public static final int DEFAULT_MAX_CONNECTIONS_PER_CLIENT = 100;
    public static final int DEFAULT_MAX_STREAMS_PER_CONNECTION = 64;

    public Endpoint {
      idleTimeout = idleTimeout == null ? DEFAULT_IDLE_TIMEOUT : idleTimeout;
      headerTimeout = headerTimeout == null ? DEFAULT_HEADER_TIMEOUT : headerTimeout;
    }

    public Endpoint(String host, int port, Duration idleTimeout) {
      this(host, port, idleTimeout, DEFAULT_HEADER_TIMEOUT, DEFAULT_MAX_CONNECTIONS,
          DEFAULT_MAX_CONNECTIONS_PER_CLIENT, DEFAULT_MAX_STREAMS_PER_CONNECTION);
    }

    public Endpoint(String host, int port) {
      this(host, port, DEFAULT_IDLE_TIMEOUT);
    }

    /** The same port with other connection limits. */
    public Endpoint withLimits(Duration headerTimeout, int maxConnections, int maxConnectionsPerClient) {
      return new Endpoint(host, port, idleTimeout, headerTimeout, maxConnections, maxConnectionsPerClient,
          maxStreamsPerConnection);
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
      long maxManifestBytes,
      GrpcLimits grpc,
      boolean prefetch,
      boolean prescan) {
    /** The parsed {@link #ignore} patterns (parsed once for a given list). */
    public IgnoreRules ignoreRules() {
      return IgnoreRules.of(ignore);
    }

    /** Default of {@code sync.parallelDownloads}: large files downloaded at the same time. */
    public static final int DEFAULT_PARALLEL_DOWNLOADS = 4;
    /** Default of {@code sync.maxManifestBytes}: what a master's manifest may cost a worker (64 MiB). */
    public static final long DEFAULT_MAX_MANIFEST_BYTES = 64L * 1024 * 1024;

    /** The seed's keys only; the transfer keys take their defaults. */
    public Sync(boolean useGrpc, Duration grpcCacheTtl, int grpcChunkSize, List<String> ignore, HttpLimits http,
        Retry retry, Timeout timeout) {
      this(useGrpc, grpcCacheTtl, grpcChunkSize, ignore, http, retry, timeout, DEFAULT_PARALLEL_DOWNLOADS, true,
          true);
    }

    public Sync {
      grpc = grpc == null ? GrpcLimits.DEFAULTS : grpc;
    }

    /** Without {@code sync.maxManifestBytes} and {@code sync.grpc}, which then take their defaults. */
    public Sync(boolean useGrpc, Duration grpcCacheTtl, int grpcChunkSize, List<String> ignore, HttpLimits http,
        Retry retry, Timeout timeout, int parallelDownloads, boolean compression, boolean watchDestinations) {
      this(useGrpc, grpcCacheTtl, grpcChunkSize, ignore, http, retry, timeout, parallelDownloads, compression,
          watchDestinations, DEFAULT_MAX_MANIFEST_BYTES, GrpcLimits.DEFAULTS);
    }

    /** Without {@code sync.prefetch}, which is then on (its default). */
    public Sync(boolean useGrpc, Duration grpcCacheTtl, int grpcChunkSize, List<String> ignore, HttpLimits http,
        Retry retry, Timeout timeout, int parallelDownloads, boolean compression, boolean watchDestinations,
        long maxManifestBytes, GrpcLimits grpc) {
      this(useGrpc, grpcCacheTtl, grpcChunkSize, ignore, http, retry, timeout, parallelDownloads, compression,
          watchDestinations, maxManifestBytes, grpc, true);
    }

    /** Without {@code sync.prescan}, which is then off (its default). */
    public Sync(boolean useGrpc, Duration grpcCacheTtl, int grpcChunkSize, List<String> ignore, HttpLimits http,
        Retry retry, Timeout timeout, int parallelDownloads, boolean compression, boolean watchDestinations,
        long maxManifestBytes, GrpcLimits grpc, boolean prefetch) {
      this(useGrpc, grpcCacheTtl, grpcChunkSize, ignore, http, retry, timeout, parallelDownloads, compression,
          watchDestinations, maxManifestBytes, grpc, prefetch, false);
    }

    /** The same settings with {@code sync.prefetch} set. */
    public Sync withPrefetch(boolean on) {
      return new Sync(useGrpc, grpcCacheTtl, grpcChunkSize, ignore, http, retry, timeout, parallelDownloads,
          compression, watchDestinations, maxManifestBytes, grpc, on, prescan);
    }

    /** The same settings with {@code sync.prescan} set. */
    public Sync withPrescan(boolean on) {
      return new Sync(useGrpc, grpcCacheTtl, grpcChunkSize, ignore, http, retry, timeout, parallelDownloads,
          compression, watchDestinations, maxManifestBytes, grpc, prefetch, on);
    }

    public Sync withTransfer(int parallelDownloads, boolean compression) {
      return new Sync(useGrpc, grpcCacheTtl, grpcChunkSize, ignore, http, retry, timeout, parallelDownloads,
          compression, watchDestinations, maxManifestBytes, grpc, prefetch, prescan);
    }

    public Sync withMaxManifestBytes(long bytes) {
      return new Sync(useGrpc, grpcCacheTtl, grpcChunkSize, ignore, http, retry, timeout, parallelDownloads,
          compression, watchDestinations, bytes, grpc, prefetch, prescan);
    }

    public Sync withGrpc(GrpcLimits g) {
      return new Sync(useGrpc, grpcCacheTtl, grpcChunkSize, ignore, http, retry, timeout, parallelDownloads,
          compression, watchDestinations, maxManifestBytes, g, prefetch, prescan);
    }
  }

  /**
   * The HTTP throttle. {@code minRate} (bytes per second, 0: off) over {@code minRateWindow}: a
   * download slower than that loses its slot while other downloads wait for one. {@code queueTimeout}:
   * a request that waited this long for a slot is answered 503 + Retry-After.
   */
  public record HttpLimits(int scanMaxConcurrent, int downloadMaxConcurrent, int queueSize, long minRate,
      Duration minRateWindow, Duration queueTimeout) {
    public static final long DEFAULT_MIN_RATE = 64 * 1024;
    public static final Duration DEFAULT_MIN_RATE_WINDOW = Duration.ofSeconds(10);
    public static final Duration DEFAULT_QUEUE_TIMEOUT = Duration.ofSeconds(20);

    public HttpLimits {
      minRateWindow = minRateWindow == null ? DEFAULT_MIN_RATE_WINDOW : minRateWindow;
      queueTimeout = queueTimeout == null ? DEFAULT_QUEUE_TIMEOUT : queueTimeout;
    }

    public HttpLimits(int scanMaxConcurrent, int downloadMaxConcurrent, int queueSize) {
      this(scanMaxConcurrent, downloadMaxConcurrent, queueSize, DEFAULT_MIN_RATE, DEFAULT_MIN_RATE_WINDOW,
          DEFAULT_QUEUE_TIMEOUT);
    }
  }

  /**
   * What gRPC calls may hold on a master: {@code maxStreams} calls at once in total (beyond:
   * RESOURCE_EXHAUSTED), {@code maxStreamsPerClient} of them from one remote address; {@code sendBudget} bytes read from files but not yet taken by clients, shared
   * by every download stream (a stream waits for budget before reading on); a stream whose client has
   * not taken what was written within {@code stallTimeout} is cancelled.
   */
  public record GrpcLimits(int maxStreams, long sendBudget, Duration stallTimeout, int maxStreamsPerClient) {
    public static final int DEFAULT_MAX_STREAMS_PER_CLIENT = 64;
    public static final GrpcLimits DEFAULTS =
        new GrpcLimits(256, 64L * 1024 * 1024, Duration.ofSeconds(30), DEFAULT_MAX_STREAMS_PER_CLIENT);

    public GrpcLimits(int maxStreams, long sendBudget, Duration stallTimeout) {
      this(maxStreams, sendBudget, stallTimeout, DEFAULT_MAX_STREAMS_PER_CLIENT);
    }
  }

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

  /** Every default of DESIGN.md section 3, as declared in {@link ConfigKeys}. */
  public static NodeConfig defaults() {
    return ConfigKeys.DEFAULTS;
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
