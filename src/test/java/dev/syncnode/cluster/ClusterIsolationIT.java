package dev.syncnode.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.syncnode.it.Cluster;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterIsolationIT {
  @TempDir Path tmp;

  @Test
  void clustersWithDifferentNamesDoNotSeeEachOther() throws Exception {
    try (TestCluster a = new TestCluster(); TestCluster b = new TestCluster()) {
      TestCluster.Node masterA = a.master(Files.createDirectories(tmp.resolve("a-master")));
      a.worker("worker-1", Files.createDirectories(tmp.resolve("a-w1")));
      // b's nodes also knock on a's seed member: the different cluster name must keep them apart
      b.alsoTry(a.seedAddress());
      TestCluster.Node masterB = b.master(Files.createDirectories(tmp.resolve("b-master")));
      b.worker("worker-9", Files.createDirectories(tmp.resolve("b-w9")));
      TestCluster.await(a.eventually(() -> a.nodeKeysAsync(masterA).map(List.of("master-1", "worker-1")::equals),
          "cluster a: master-1, worker-1"));
      TestCluster.await(b.eventually(() -> b.nodeKeysAsync(masterB).map(List.of("master-1", "worker-9")::equals),
          "cluster b: master-1, worker-9"));
      assertEquals(List.of("master-1", "worker-1"), a.nodeKeys(masterA));
      assertEquals(2, ClusterSupport.liveNodeIds(masterA.vertx).size());
      assertEquals(2, ClusterSupport.liveNodeIds(masterB.vertx).size());
    }
  }

  @Test
  void standaloneMasterHasNoClusterApi() throws Exception {
    Path ws = Files.createDirectories(tmp.resolve("m"));
    try (Cluster standalone = new Cluster(ws, Files.createDirectories(tmp.resolve("w")))) {
      WebClient client = WebClient.create(standalone.masterVertx);
      HttpResponse<Buffer> r = Cluster.await(client.get(standalone.master.httpPort(), "127.0.0.1", "/api/nodes").send());
      assertEquals(404, r.statusCode());
      assertTrue(r.bodyAsJsonObject().getString("error").contains("-cluster"), r.bodyAsString());
      // and the plain sync path works as before
      Files.writeString(Files.createDirectories(ws.resolve("s")).resolve("f.txt"), "x");
      assertEquals(1, standalone.sync("s", null).files());
    }
  }
}
