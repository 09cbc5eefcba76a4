package dev.syncnode.load;

import dev.syncnode.config.ConfigLoader;
import dev.syncnode.config.NodeConfig;
import dev.syncnode.fs.Scanner;
import dev.syncnode.metrics.SyncMetrics;
import dev.syncnode.transport.SyncSource;
import dev.syncnode.transport.grpc.client.GrpcSyncSource;
import dev.syncnode.transport.http.client.HttpSyncSource;
import dev.syncnode.worker.SyncReport;
import dev.syncnode.worker.SyncRun;
import dev.syncnode.worker.apply.DestinationWatch;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Load driver for {@code scripts/load-200.sh}: starts N worker syncs of one spider at the same
 * moment in one JVM, each with its own connection(s) to the master and its own destination (the
 * same code path as a worker node: SyncRun with GrpcSyncSource or HttpSyncSource), half over gRPC,
 * half over HTTP. Retries and timeouts come from the SYNCNODE_* environment as for a node. When
 * all have ended it checks every copy against the master's spider directory (loopback: the same
 * disk) and prints one JSON line: counts, failures, retries seen, durations.
 *
 * <p>usage: LoadDriver GRPC_HOST:PORT HTTP_URL SPIDER SOURCE_DIR DEST_ROOT GRPC_COUNT HTTP_COUNT
 */
public final class LoadDriver {
  private LoadDriver() {}

  record Outcome(int index, String wanted, SyncReport report, String error, long ms) {}

  /** One sync, on its own event loop. */
  static final class RunVerticle extends VerticleBase {
    final SyncRun run;
    final Promise<SyncReport> done = Promise.promise();

    RunVerticle(SyncRun run) {
      this.run = run;
    }

    @Override
    public Future<?> start() {
      run.run().onComplete(done);
      return Future.succeededFuture();
    }
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 7) {
      System.err.println("usage: LoadDriver GRPC_HOST:PORT HTTP_URL SPIDER SOURCE_DIR DEST_ROOT GRPC_COUNT HTTP_COUNT");
      System.exit(2);
    }
    String grpcAddr = args[0];
    String httpUrl = args[1];
    String spider = args[2];
    Path source = Path.of(args[3]);
    Path destRoot = Path.of(args[4]);
    int grpcCount = Integer.parseInt(args[5]);
    int httpCount = Integer.parseInt(args[6]);
    NodeConfig c = ConfigLoader.load(null, System.getenv());
    Vertx vertx = Vertx.vertx();
    SyncMetrics metrics = SyncMetrics.standalone();
    List<SyncSource> sources = new ArrayList<>();
    List<Future<Outcome>> outcomes = new ArrayList<>();
    List<RunVerticle> runs = new ArrayList<>();
    DestinationWatch watch = DestinationWatch.open(); // as one worker: one watch for all its destinations
    for (int i = 0; i < grpcCount + httpCount; i++) {
      boolean grpc = i < grpcCount;
      SyncSource g = grpc ? new GrpcSyncSource(vertx, grpcAddr, c.auth().token(), "load-" + i,
          c.sync().timeout().scan(), c.sync().timeout().download(), c.tls(), c.sync().maxManifestBytes()) : null;
      SyncSource h = grpc ? null : new HttpSyncSource(vertx, httpUrl, c.auth().token(), c.sync().timeout().scan(),
          c.sync().timeout().download(), c.tls(), c.sync().maxManifestBytes());
      sources.add(grpc ? g : h);
      runs.add(new RunVerticle(new SyncRun(vertx, c, metrics, new Scanner(), spider, destRoot.resolve("w" + i), g, h,
          SyncRun.Progress.NONE, watch)));
    }
    long t0 = System.nanoTime();
    for (int i = 0; i < runs.size(); i++) {
      int index = i;
      RunVerticle r = runs.get(i);
      String wanted = i < grpcCount ? "grpc" : "http";
      outcomes.add(vertx.deployVerticle(r).compose(id -> r.done.future())
          .map(rep -> new Outcome(index, wanted, rep, null, (System.nanoTime() - t0) / 1_000_000))
          .recover(err -> Future.succeededFuture(new Outcome(index, wanted, null, String.valueOf(err.getMessage()),
              (System.nanoTime() - t0) / 1_000_000))));
    }
    Future.join(new ArrayList<>(outcomes)).toCompletionStage().toCompletableFuture().get(30, TimeUnit.MINUTES);
    long wallMs = (System.nanoTime() - t0) / 1_000_000;

    Map<String, String> expected = describe(source);
    int ok = 0;
    int identical = 0;
    Map<String, Integer> byTransport = new TreeMap<>();
    JsonArray failures = new JsonArray();
    List<Long> durations = new ArrayList<>();
    Map<String, List<Long>> perTransport = new TreeMap<>();
    long bytes = 0;
    for (Future<Outcome> f : outcomes) {
      Outcome o = f.result();
      durations.add(o.ms);
      perTransport.computeIfAbsent(o.wanted, k -> new ArrayList<>()).add(o.ms);
      if (o.report != null) {
        ok++;
        bytes += o.report.bytes();
        byTransport.merge(o.report.transport(), 1, Integer::sum);
        if (expected.equals(describe(destRoot.resolve("w" + o.index)))) {
          identical++;
        } else {
          failures.add(new JsonObject().put("index", o.index).put("error", "copy differs from the source"));
        }
      } else {
        failures.add(new JsonObject().put("index", o.index).put("transport", o.wanted).put("error", o.error));
      }
    }
    durations.sort(null);
    JsonObject summary = new JsonObject()
        .put("syncs", outcomes.size())
        .put("succeeded", ok)
        .put("identicalCopies", identical)
        .put("failed", outcomes.size() - ok)
        .put("byTransport", new JsonObject(new TreeMap<>(byTransport)))
        .put("bytes", bytes)
        .put("wallMs", wallMs)
        .put("p50Ms", durations.get(durations.size() / 2))
        .put("p95Ms", durations.get((int) (durations.size() * 0.95)))
        .put("maxMs", durations.get(durations.size() - 1))
        .put("bytesReceived", (long) counter(metrics, "syncnode.bytes.received"))
        .put("failures", failures);
    perTransport.forEach((t, l) -> {
      l.sort(null);
      summary.put(t + "P50Ms", l.get(l.size() / 2)).put(t + "MaxMs", l.get(l.size() - 1));
    });
    for (SyncSource s : sources) {
      s.close();
    }
    watch.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    System.out.println(summary.encode());
    System.exit(ok == outcomes.size() && identical == ok ? 0 : 1);
  }

  static double counter(SyncMetrics m, String name) {
    Counter c = m.registry().find(name).counter();
    return c == null ? 0 : c.count();
  }

  /** relative path -> sha256 (files) / "dir" / "link target", skipping the worker's .syncnode. */
  static Map<String, String> describe(Path root) throws IOException {
    Map<String, String> out = new TreeMap<>();
    if (!Files.isDirectory(root)) {
      return out;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        String rel = root.relativize(p).toString();
        if (rel.isEmpty() || rel.equals(".syncnode") || rel.startsWith(".syncnode/")) {
          continue;
        }
        if (Files.isSymbolicLink(p)) {
          out.put(rel, "link " + Files.readSymbolicLink(p));
        } else if (Files.isDirectory(p)) {
          out.put(rel, "dir");
        } else {
          try {
            out.put(rel, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))));
          } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
          }
        }
      }
    }
    return out;
  }
}
