package dev.syncnode.bench;

import ch.qos.logback.classic.Level;
import dev.syncnode.it.Cluster;
import dev.syncnode.it.Trees;
import dev.syncnode.worker.SyncReport;
import io.vertx.core.Future;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.slf4j.LoggerFactory;

/**
 * Times one sync and N concurrent syncs (into N destinations) of a generated spider through a real
 * master and worker on loopback (the {@link Cluster} harness: gRPC, scan cache, verified downloads).
 * Every measured round starts a fresh master, so each round pays for the directory walk and hashing
 * once: "cold" here means a cold scan cache, not a cold OS page cache. Run by
 * {@code scripts/bench-core.sh}; not a test.
 */
public final class CoreBench {
  public static void main(String[] args) throws Exception {
    int files = intArg(args, "--files", 1000);
    int concurrency = intArg(args, "--concurrency", 10);
    int rounds = intArg(args, "--rounds", 5);
    ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(Level.WARN);
    ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("dev.syncnode")).setLevel(Level.WARN);

    Path work = Files.createTempDirectory("syncnode-bench-");
    try {
      Path workspace = Files.createDirectories(work.resolve("master"));
      long bytes = generate(workspace.resolve("bench"), files, new Random(42));
      System.out.printf("core bench: %d files, %.1f MiB, %d syncs concurrent, %d rounds, %d CPUs, java %s%n",
          files, bytes / 1048576.0, concurrency, rounds, Runtime.getRuntime().availableProcessors(),
          System.getProperty("java.version"));

      measure(work, workspace, 1); // warm-up: JIT, class loading
      measure(work, workspace, concurrency);

      List<Long> single = new ArrayList<>();
      List<Long> many = new ArrayList<>();
      List<Long> noChange = new ArrayList<>();
      double scans = 0;
      for (int r = 0; r < rounds; r++) {
        Sample s = measure(work, workspace, 1);
        single.add(s.ms);
        noChange.add(s.resyncMs);
        Sample m = measure(work, workspace, concurrency);
        many.add(m.ms);
        scans = Math.max(scans, m.scans);
      }
      long medSingle = median(single);
      long medMany = median(many);
      System.out.printf("single sync (cold cache):            median %5d ms   min %5d ms   %s%n", medSingle,
          min(single), single);
      System.out.printf("%2d concurrent syncs (cold cache):    median %5d ms   min %5d ms   %s%n", concurrency,
          medMany, min(many), many);
      System.out.printf("ratio %d-concurrent / single:         %.2f  (serial would be %d.00)%n", concurrency,
          (double) medMany / medSingle, concurrency);
      System.out.printf("no-change resync (cache hit):         median %5d ms%n", median(noChange));
      System.out.printf("master directory walks per %d-sync round: %.0f%n", concurrency, scans);
    } finally {
      Trees.deleteTree(work);
    }
  }

  record Sample(long ms, long resyncMs, double scans) {}

  static Sample measure(Path work, Path workspace, int n) throws Exception {
    Path mirrors = Files.createTempDirectory(work, "worker-");
    try (Cluster cluster = new Cluster(workspace, mirrors)) {
      List<Future<SyncReport>> runs = new ArrayList<>();
      long t0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        runs.add(cluster.syncAsync("bench", mirrors.resolve("dest-" + i)));
      }
      List<SyncReport> reports = Cluster.await(Future.all(runs)).list();
      long ms = (System.nanoTime() - t0) / 1_000_000;
      for (SyncReport r : reports) {
        if (r.downloaded() != r.files()) {
          throw new IllegalStateException("incomplete sync: " + r);
        }
      }
      long t1 = System.nanoTime();
      SyncReport again = cluster.sync("bench", mirrors.resolve("dest-0"));
      long resyncMs = (System.nanoTime() - t1) / 1_000_000;
      if (again.downloaded() != 0) {
        throw new IllegalStateException("resync moved files: " + again);
      }
      return new Sample(ms, resyncMs, cluster.masterMetrics.scansTotal());
    } finally {
      Trees.deleteTree(mirrors);
    }
  }

  /** {@code files} files of 1-64 KiB of random bytes in a two-level tree. */
  static long generate(Path spider, int files, Random rnd) throws IOException {
    long total = 0;
    for (int i = 0; i < files; i++) {
      Path p = spider.resolve(String.format("pkg%02d/mod%02d/file%04d.dat", i % 10, (i / 10) % 10, i));
      Files.createDirectories(p.getParent());
      byte[] b = new byte[1024 + rnd.nextInt(63 * 1024 + 1)];
      rnd.nextBytes(b);
      Files.write(p, b);
      total += b.length;
    }
    return total;
  }

  static long median(List<Long> xs) {
    List<Long> s = new ArrayList<>(xs);
    s.sort(Comparator.naturalOrder());
    return s.get(s.size() / 2);
  }

  static long min(List<Long> xs) {
    return xs.stream().min(Comparator.naturalOrder()).orElse(0L);
  }

  static int intArg(String[] args, String name, int def) {
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals(name)) {
        return Integer.parseInt(args[i + 1]);
      }
    }
    return def;
  }

}
