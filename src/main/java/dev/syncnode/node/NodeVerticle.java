package dev.syncnode.node;

import dev.syncnode.cluster.ClusterSupport;
import dev.syncnode.config.ConfigHolder;
import dev.syncnode.config.ConfigService;
import dev.syncnode.config.NodeConfig;
import dev.syncnode.fs.WorkspaceMark;
import dev.syncnode.master.content.ContentVerticle;
import dev.syncnode.master.scan.ScanCacheVerticle;
import dev.syncnode.master.scan.ScannerVerticle;
import dev.syncnode.master.scan.SpiderWatchVerticle;
import dev.syncnode.metrics.SyncMetrics;
import dev.syncnode.security.FatalErrors;
import dev.syncnode.transport.grpc.server.GrpcEndpointVerticle;
import dev.syncnode.worker.SyncRun;
import dev.syncnode.worker.WorkerSyncVerticle;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.micrometer.backends.BackendRegistries;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The main verticle: loads the configuration and deploys the verticles of the node's role.
 * Master: scanner, scan cache, gRPC endpoint, HTTP endpoint. Worker: worker sync, HTTP endpoint.
 */
public class NodeVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(NodeVerticle.class);

  private ConfigHolder config;
  private ConfigService configService;
  private SyncMetrics metrics;
  private GrpcEndpointVerticle grpc;
  private HttpEndpointVerticle http;
  private ContentVerticle content;

  /** Used by the launcher: the configuration comes from {@code config()}. */
  public NodeVerticle() {}

  /** Used by tests and embedders: a ready configuration. */
  public NodeVerticle(ConfigHolder config, SyncMetrics metrics) {
    this.config = config;
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    return loadConfig().<Void>compose(holder -> {
      this.config = holder;
      if (metrics == null) {
        metrics = vertxRegistry();
      }
      NodeConfig c = holder.get();
      FatalErrors.install(vertx);
      return (c.node().role() == NodeConfig.Role.MASTER ? deployMaster() : deployWorker())
          .compose(id -> ClusterSupport.deployNode(vertx, config, metrics, grpcPort(), httpPort(), Version.current()))
          .onSuccess(v -> LOG.info("syncnode {} started: {}", Version.current(), describe(c)));
    });
  }

  /** Vert.x's own Prometheus registry for the syncnode series when it runs one, else a registry of our own. */
  private static SyncMetrics vertxRegistry() {
    MeterRegistry registry = BackendRegistries.getDefaultNow();
    return registry != null ? new SyncMetrics(registry) : SyncMetrics.standalone();
  }

  /** Role, key, bound ports and workspace: what the start and stop lines say. */
  private String describe(NodeConfig c) {
    StringBuilder b = new StringBuilder()
        .append(c.node().role().name().toLowerCase()).append(" node ").append(c.node().key())
        .append(", http ").append(c.http().host()).append(':').append(httpPort());
    if (grpcPort() >= 0) {
      b.append(", grpc ").append(c.grpc().host()).append(':').append(grpcPort());
    }
    b.append(", workspace ").append(Path.of(c.node().workspace()).toAbsolutePath().normalize());
    if (vertx.isClustered()) {
      b.append(", cluster mode");
    }
    return b.toString();
  }

  private Future<ConfigHolder> loadConfig() {
    if (config != null) {
      return Future.succeededFuture(config);
    }
    configService = ConfigService.fromDeploymentConfig(vertx, config());
    return configService.start();
  }

  @Override
  public Future<?> stop() {
    String what = config == null ? "node" : describe(config.get());
    return (configService == null ? Future.succeededFuture() : configService.stop())
        .onComplete(ar -> LOG.info("syncnode stopped: {}", what));
  }

  private Future<String> deployMaster() {
    metrics.declareMaster();
    grpc = new GrpcEndpointVerticle(config, metrics);
    http = new HttpEndpointVerticle(config, metrics, this::grpcPort);
    NodeConfig.Node node = config.get().node();
    return vertx.executeBlocking(() -> {
          WorkspaceMark.markMaster(Path.of(node.workspace()), node.key());
          return null;
        }, false)
        // these four meet only over the event bus, so they start side by side (each on its own event loop),
        // except that the watch asks the scan cache (which asks the scanner) at once, so those two come first;
        // the endpoints listen once all four answer (/health stays 503 until the gRPC port answers too)
        .compose(v -> Future.all(
            vertx.deployVerticle(new ScannerVerticle(config, metrics)),
            vertx.deployVerticle(new ScanCacheVerticle(config, metrics))))
        .compose(v -> Future.all(
            vertx.deployVerticle(new SpiderWatchVerticle(config)),
            vertx.deployVerticle(content = new ContentVerticle(config))))
        .compose(all -> endpoints());
  }

  /** Both endpoints listen side by side; when both fail, the gRPC port's failure is the one reported. */
  private Future<String> endpoints() {
    Future<String> g = vertx.deployVerticle(grpc);
    Future<String> h = vertx.deployVerticle(http);
    return Future.join(g, h).transform(done -> g.failed() ? g : h);
  }

  private Future<String> deployWorker() {
    metrics.declareWorker();
    http = new HttpEndpointVerticle(config, metrics);
    Path workspace = Path.of(config.get().node().workspace());
    // a fresh worker has nothing to mirror yet: its workspace is made here rather than failing /health
    return vertx.executeBlocking(() -> Files.createDirectories(workspace), false)
        .recover(err -> Future.failedFuture(new IllegalStateException("cannot create the workspace "
            + workspace.toAbsolutePath() + ": " + (err instanceof AccessDeniedException ? "Permission denied" : err),
            err)))
        .compose(dir -> vertx.deployVerticle(new WorkerSyncVerticle(config, metrics, SyncRun.Progress.NONE,
            ClusterSupport.masterLocator(vertx))))
        .compose(id -> vertx.deployVerticle(http));
  }

  public ConfigHolder configHolder() {
    return config;
  }

  public SyncMetrics metrics() {
    return metrics;
  }

  /** The HTTP endpoint. */
  public HttpEndpointVerticle httpEndpoint() {
    return http;
  }

  /** The gRPC endpoint (master only), or null. */
  public GrpcEndpointVerticle grpcEndpoint() {
    return grpc;
  }

  /** The master's content verticle (master only), or null. */
  public ContentVerticle contentVerticle() {
    return content;
  }

  /** Bound gRPC port (master only), or -1. */
  public int grpcPort() {
    return grpc == null ? -1 : grpc.actualPort();
  }

  public int httpPort() {
    return http == null ? -1 : http.actualPort();
  }
}
