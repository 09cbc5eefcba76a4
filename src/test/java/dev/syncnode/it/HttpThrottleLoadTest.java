package dev.syncnode.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.syncnode.transport.http.server.MasterHttpRoutes;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 60 concurrent HTTP scans against scanMaxConcurrent=2, queueSize=4: every answer is a complete 200
 * or a 503 with Retry-After and a JSON error, never more than 2 scans in flight (the throttle's
 * high-water gauge), rejections counted.
 */
class HttpThrottleLoadTest {
  static final int REQUESTS = 60;

  @TempDir Path tmp;

  @Test
  void sixtyConcurrentScansGet200Or503AndNeverExceedTheLimit() throws Exception {
    Path workspace = Files.createDirectories(tmp.resolve("master"));
    Path spider = workspace.resolve("big");
    for (int d = 0; d < 40; d++) {
      for (int f = 0; f < 75; f++) {
        Trees.write(spider, "dir" + d + "/file" + f + ".py", "# " + d + "/" + f + "\n" + "x = 1\n".repeat(f));
      }
    }
    try (Cluster cluster = new Cluster(workspace, Files.createDirectories(tmp.resolve("worker")),
            c -> Cluster.httpLimits(c, 2, 16, 4));
        HttpProbe http = new HttpProbe(cluster.master.httpPort(), REQUESTS + 4)) {
      List<Future<HttpProbe.Reply>> calls = new ArrayList<>();
      for (int i = 0; i < REQUESTS; i++) {
        calls.add(http.getAsync("/api/sync/big/scan", Map.of()));
      }
      Cluster.await(Future.join(calls));

      int ok = 0;
      int busy = 0;
      String digest = null;
      for (Future<HttpProbe.Reply> call : calls) {
        assertTrue(call.succeeded(), () -> "request failed: " + call.cause());
        HttpProbe.Reply r = call.result();
        if (r.status() == 200) {
          ok++;
          JsonObject m = r.json(); // a cut body would not parse
          assertEquals("application/json", r.header("Content-Type"));
          assertEquals(40 * 75 + 40, m.getJsonArray("entries").size());
          assertEquals(m.getInteger("total"), m.getJsonArray("entries").size());
          digest = digest == null ? m.getString("digest") : digest;
          assertEquals(digest, m.getString("digest"));
        } else {
          assertEquals(503, r.status(), r.text());
          busy++;
          assertNotNull(r.header("Retry-After"), "503 without Retry-After");
          assertTrue(Integer.parseInt(r.header("Retry-After")) >= 0);
          assertNotNull(r.json().getString("error"));
        }
      }
      MeterRegistry reg = cluster.masterMetrics.registry();
      double maxInFlight = reg.get(MasterHttpRoutes.GAUGE_IN_FLIGHT_MAX).tag("endpoint", "scan").gauge().value();
      double rejected = reg.find("syncnode.http.rejected").tag("endpoint", "scan").counters().stream()
          .mapToDouble(c -> c.count()).sum();
      System.out.printf("60 scans: %d x 200, %d x 503, max in flight %.0f, scans performed %.0f%n", ok, busy,
          maxInFlight, cluster.masterMetrics.scansTotal());
      assertEquals(REQUESTS, ok + busy);
      assertTrue(ok >= 6, "the 2 running and 4 queued requests are served: " + ok);
      assertTrue(busy > 0, "with 60 at once against 2+4 some must be turned away");
      assertTrue(maxInFlight >= 1 && maxInFlight <= 2, "max in flight " + maxInFlight);
      assertEquals(busy, (int) rejected);
      assertEquals(1, cluster.masterMetrics.scansTotal(), "one walk for all of them");
    }
  }
}
