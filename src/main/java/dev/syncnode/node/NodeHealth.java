package dev.syncnode.node;

import dev.syncnode.config.ConfigHolder;
import dev.syncnode.config.HostPort;
import dev.syncnode.config.NodeConfig;
import dev.syncnode.worker.MasterLocator;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.healthchecks.CheckResult;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.IntSupplier;
import java.util.stream.Stream;

/**
 * The checks behind {@code GET /health}: the workspace is a readable and writable directory (every
 * node), the master answers on its configured port (workers), and a master's own gRPC port answers a
 * real request (an event loop that died, or a server that failed, leaves a port that accepts and
 * resets; a plain connect would not see it). The HTTP port answers this very request. 200 when all
 * pass, 503 with the failing check otherwise, also when a check times out.
 */
public final class NodeHealth {
  static final long CHECK_TIMEOUT_MS = 3000;

  private NodeHealth() {}

  public static HealthCheckHandler handler(Vertx vertx, ConfigHolder config) {
    return handler(vertx, config, null);
  }

  /**
   * @param locator where a clustered worker finds its master (null: the configured {@code master})
   */
  public static HealthCheckHandler handler(Vertx vertx, ConfigHolder config, MasterLocator locator) {
    return handler(vertx, config, locator, () -> -1);
  }

  /**
   * @param grpcPort the bound gRPC port of this node (a master), probed with a real request; -1: none
   */
  public static HealthCheckHandler handler(Vertx vertx, ConfigHolder config, MasterLocator locator,
      IntSupplier grpcPort) {
    HealthChecks checks = HealthChecks.create(vertx);
    if (config.get().node().role() == NodeConfig.Role.MASTER) {
      PortProbe probe = new PortProbe(vertx, config.get().tls().enabled(), CHECK_TIMEOUT_MS - 500);
      checks.register("grpc", CHECK_TIMEOUT_MS, p -> probe.grpc(grpcPort.getAsInt()).onComplete(p));
    }
    checks.register("workspace", CHECK_TIMEOUT_MS, p -> workspace(vertx, config.get()).onComplete(p));
    if (config.get().node().role() == NodeConfig.Role.WORKER) {
      NetClient net = vertx.createNetClient(new NetClientOptions().setConnectTimeout((int) CHECK_TIMEOUT_MS - 500));
      checks.register("master", CHECK_TIMEOUT_MS, p -> {
        NodeConfig c = config.get();
        Future<NodeConfig> resolved = locator == null ? Future.succeededFuture(c) : locator.locate(c).map(c::withMaster);
        resolved
            .compose(rc -> master(net, rc))
            .recover(err -> Future.succeededFuture(
                Status.KO(new JsonObject().put("reason", "no master: " + err.getMessage()))))
            .onComplete(p);
      });
    }
    return withChecks(checks);
  }

  /**
   * The handler over {@code checks}: 200 when all pass, 503 with the failing checks otherwise. A check
   * that timed out or threw is a failed check like any other (the library would answer 500
   * {@code procedure-execution-failure}).
   */
  static HealthCheckHandler withChecks(HealthChecks checks) {
    return HealthCheckHandler.createWithHealthChecks(checks).resultMapper(r -> {
      plainFailures(r);
      return Future.succeededFuture(r);
    });
  }

  private static void plainFailures(CheckResult r) {
    JsonObject data = r.getData();
    if (data != null && data.getBoolean("procedure-execution-failure", false)) {
      Object cause = data.getValue("cause");
      r.setStatus(Status.KO(new JsonObject().put("reason", cause == null ? "check failed" : "check failed: " + cause)));
    }
    if (r.getChecks() != null) {
      r.getChecks().forEach(NodeHealth::plainFailures);
    }
  }

  static Future<Status> workspace(Vertx vertx, NodeConfig c) {
    Path ws = Path.of(c.node().workspace()).toAbsolutePath();
    return vertx.executeBlocking(() -> {
      JsonObject data = new JsonObject().put("path", ws.toString());
      if (!Files.isDirectory(ws)) {
        return Status.KO(data.put("reason", "not a directory"));
      }
      try (Stream<Path> list = Files.list(ws)) {
        list.findFirst();
      } catch (Exception e) {
        return Status.KO(data.put("reason", "not readable: " + e.getMessage()));
      }
      try {
        Path probe = Files.createTempFile(ws, ".health", ".probe");
        Files.delete(probe);
      } catch (Exception e) {
        return Status.KO(data.put("reason", "not writable: " + e.getMessage()));
      }
      return Status.OK(data);
    }, false);
  }

  static Future<Status> master(NetClient net, NodeConfig c) {
    SocketAddress address;
    String target;
    try {
      if (c.sync().useGrpc() && !c.master().grpc().isBlank()) {
        target = c.master().grpc();
        HostPort hp = HostPort.parse(target);
        address = SocketAddress.inetSocketAddress(hp.port(), hp.host());
      } else {
        target = c.master().http();
        URI uri = URI.create(target);
        int port = uri.getPort() > 0 ? uri.getPort() : ("https".equals(uri.getScheme()) ? 443 : 80);
        address = SocketAddress.inetSocketAddress(port, uri.getHost());
      }
    } catch (RuntimeException e) {
      return Future.succeededFuture(Status.KO(new JsonObject().put("reason", "bad master address: " + e.getMessage())));
    }
    JsonObject data = new JsonObject().put("address", target);
    Promise<Status> result = Promise.promise();
    net.connect(address).onComplete(ar -> {
      if (ar.succeeded()) {
        ar.result().close();
        result.complete(Status.OK(data));
      } else {
        result.complete(Status.KO(data.put("reason", "unreachable: " + ar.cause().getMessage())));
      }
    });
    return result.future();
  }
}
