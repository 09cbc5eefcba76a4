package dev.syncnode.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The syncnode series of DESIGN.md section 3 on a Micrometer registry. Micrometer names with dots
 * become Prometheus names with underscores and a {@code _total} suffix on counters
 * ({@code syncnode.scans} -> {@code syncnode_scans_total}).
 */
public final class SyncMetrics {
  private final MeterRegistry registry;
  private final Counter scans;
  private final Timer scanDuration;
  /** Per spider: the time of its last successful sync, and the gauge that shows it. */
  private record LastSync(AtomicLong seconds, Gauge gauge) {}

  private final Map<String, LastSync> lastSync = new ConcurrentHashMap<>();

  public SyncMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.scans = Counter.builder("syncnode.scans")
        .description("Directory scans actually performed").register(registry);
    this.scanDuration = Timer.builder("syncnode.scan.duration")
        .description("Duration of real directory scans").publishPercentileHistogram()
        .register(registry);
  }

  /** A standalone registry, for nodes started without Vert.x metrics and for tests. */
  public static SyncMetrics standalone() {
    return new SyncMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** Prometheus text, or null when the registry is not a Prometheus one. */
  public String scrape() {
    return registry instanceof PrometheusMeterRegistry p ? p.scrape() : null;
  }

  // ---- master ----

  public void scanPerformed(long durationMs) {
    scans.increment();
    scanDuration.record(durationMs, TimeUnit.MILLISECONDS);
  }

  public double scansTotal() {
    return scans.count();
  }

  /** outcome: cache_hit | joined | scanned (| failed). */
  public void scanRequest(String transport, String outcome) {
    Counter.builder("syncnode.scan.requests").tag("transport", transport).tag("outcome", outcome)
        .description("Scan requests by how they were served").register(registry).increment();
  }

  /** An entry the scanner left out of a manifest ({@code syncnode_scan_skipped_total{reason}}). */
  public void scanSkipped(String reason) {
    Counter.builder("syncnode.scan.skipped").tag("reason", reason)
        .description("Entries left out of manifests, once per spider and path").register(registry).increment();
  }

  public void httpRejected(String endpoint) {
    Counter.builder("syncnode.http.rejected").tag("endpoint", endpoint)
        .description("HTTP requests answered 503 by the throttle").register(registry).increment();
  }

  public void bytesSent(String transport, long bytes) {
    Counter.builder("syncnode.bytes.sent").tag("transport", transport)
        .description("File bytes sent to workers").register(registry).increment(bytes);
  }

  /** Registers a gauge read from {@code value} (cache size, in-flight scans, queue lengths). */
  public void gauge(String name, Map<String, String> tags, Supplier<Number> value) {
    io.micrometer.core.instrument.Gauge.Builder<Supplier<Number>> b =
        io.micrometer.core.instrument.Gauge.builder(name, value);
    tags.forEach(b::tag);
    b.register(registry);
  }

  // ---- worker ----

  public void syncFinished(String spiderId, String transport, String outcome, Duration took) {
    Counter.builder("syncnode.syncs").tag("transport", transport).tag("outcome", outcome)
        .description("Syncs run by this worker").register(registry).increment();
    Timer.builder("syncnode.sync.duration").tag("transport", transport)
        .publishPercentileHistogram().register(registry).record(took);
    if ("success".equals(outcome)) {
      lastSync.computeIfAbsent(spiderId, id -> {
        AtomicLong holder = new AtomicLong();
        return new LastSync(holder, Gauge.builder("syncnode.last.sync.timestamp.seconds", holder::get)
            .tag("spider", id).register(registry));
      }).seconds().set(System.currentTimeMillis() / 1000);
    }
  }

  /**
   * Drops the spider's last-sync series: the master no longer has the spider, and a worker that
   * synced thousands of spiders over time should not keep a series for each deleted one.
   */
  public void forgetSpider(String spiderId) {
    LastSync gone = lastSync.remove(spiderId);
    if (gone != null) {
      registry.remove(gone.gauge());
    }
  }

  public void filesDownloaded(long n) {
    Counter.builder("syncnode.files.downloaded").register(registry).increment(n);
  }

  public void bytesReceived(long n) {
    Counter.builder("syncnode.bytes.received").register(registry).increment(n);
  }

  /** Files whose content arrived by {@code mode}: bulk | whole | delta | reused. */
  public void filesTransferred(String mode, long n) {
    Counter.builder("syncnode.files.transferred").tag("mode", mode)
        .description("Files obtained per transfer mode").register(registry).increment(n);
  }

  public void grpcFallback() {
    Counter.builder("syncnode.grpc.fallbacks")
        .description("Syncs that fell back from gRPC to HTTP").register(registry).increment();
  }

  public DistributionSummary summary(String name) {
    return DistributionSummary.builder(name).register(registry);
  }
}
