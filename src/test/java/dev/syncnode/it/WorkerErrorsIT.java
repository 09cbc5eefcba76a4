package dev.syncnode.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.syncnode.config.NodeConfig;
import io.vertx.core.http.HttpMethod;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a worker's {@code POST /api/sync} says when the master is the problem (real nodes, loopback). */
class WorkerErrorsIT {
  @TempDir Path tmp;
  Cluster cluster;

  @AfterEach
  void tearDown() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void aTokenTheMasterRefusesIsABadGatewayNamingTheWorkersToken() throws Exception {
    cluster = Workspaces.withSampleSpider(tmp).start(c -> Cluster.fastRetries(c).withAuth(new NodeConfig.Auth("right")));
    cluster.workerConfig.set(cluster.workerConfig.get().withAuth(new NodeConfig.Auth("stale")));
    try (HttpProbe worker = new HttpProbe(cluster.worker.httpPort())) {
      HttpProbe.Reply r = Cluster.await(worker.requestAsync(HttpMethod.POST, "/api/sync/spider1",
          Map.of("Authorization", "Bearer stale")));
      assertEquals(502, r.status(), r.text());
      assertTrue(r.json().getString("error").startsWith("the master refused this worker's token"), r.text());
    }
  }

  @Test
  void whenGrpcAndHttpBothFailTheMessageCarriesBothCauses() throws Exception {
    cluster = Workspaces.withSampleSpider(tmp).start(Cluster::fastRetries);
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    // gRPC goes nowhere; HTTP reaches a server that is not a master (the worker itself: no such endpoint)
    cluster.pointWorkerAt("127.0.0.1:" + closed, "http://127.0.0.1:" + cluster.worker.httpPort());
    try (HttpProbe worker = new HttpProbe(cluster.worker.httpPort())) {
      HttpProbe.Reply r = Cluster.await(worker.requestAsync(HttpMethod.POST, "/api/sync/spider1", Map.of()));
      String error = r.json().getString("error");
      assertTrue(error.contains("over HTTP: ") && error.contains("over gRPC before: "), error);
      assertTrue(error.contains(String.valueOf(closed)), "the gRPC cause names its address: " + error);
    }
  }
}
