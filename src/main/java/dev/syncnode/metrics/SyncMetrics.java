package dev.syncnode.metrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The syncnode series of DESIGN.md section 3 on a Micrometer registry. Micrometer names with dots
 * become Prometheus names with underscores and a {@code _total} suffix on counters
 * ({@code syncnode.scans} -> {@code syncnode_scans_total}). Every series has a description (the
 * Prometheus HELP line). A node declares its role once ({@link #declareMaster()} or
 * {@link #declareWorker()}): that registers the role's counters at zero, so a dashboard sees
 * {@code syncnode_http_rejected_total 0} rather than no series, and a node exports only its role's
 * series.
 */
public final class SyncMetrics {
  public static final List<String> TRANSPORTS = List.of("grpc", "http");
  /** How a master served a scan request (the {@code outcome} label). */
  public static final List<String> SCAN_OUTCOMES = List.of("cache_hit", "joined", "scanned", "not_found", "failed");
  /** The master's throttled HTTP endpoints (the {@code endpoint} label). */
  public static final List<String> HTTP_ENDPOINTS = List.of("scan", "download");
  public static final List<String> SYNC_OUTCOMES = List.of("success", "failure");
  /** How a worker obtained a file's content (the {@code mode} label). */
  public static final List<String> TRANSFER_MODES = List.of("bulk", "whole", "delta", "reused");

  /** Descriptions of the gauges other packages register through {@link #gauge}. */
  private static final Map<String, String> GAUGE_HELP = Map.of(
      "syncnode.cache.size", "Manifests held by the master's scan cache",
      "syncnode.scans.inflight", "Directory scans running now",
      "syncnode.http.inflight", "HTTP requests being served now, per throttled endpoint",
      "syncnode.http.inflight.max", "Most HTTP requests served at once, per throttled endpoint",
      "syncnode.http.queued", "HTTP requests waiting for a slot, per throttled endpoint");

  private final MeterRegistry registry;
  /** Per spider: the time of its last successful sync, and the gauge that shows it. */
  private record LastSync(AtomicLong seconds, Gauge gauge) {}

  private final Map<String, LastSync> lastSync = new ConcurrentHashMap<>();

  public SyncMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /** A standalone registry, for nodes started without Vert.x metrics and for tests. */
  public static SyncMetrics standalone() {
    return new SyncMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
  }

  /** A registry nothing scrapes, for a one-shot sync: Prometheus's classes need not be loaded. */
  public static SyncMetrics unexported() {
    return new SyncMetrics(new SimpleMeterRegistry());
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** Prometheus text, or null when the registry is not a Prometheus one. */
  public String scrape() {
    return registry instanceof PrometheusMeterRegistry p ? p.scrape() : null;
  }

  /** Registers the master's counters at zero. */
  public SyncMetrics declareMaster() {
    scans();
    scanDuration();
    for (String t : TRANSPORTS) {
      SCAN_OUTCOMES.forEach(o -> scanRequests(t, o));
      bytesSentCounter(t);
    }
    HTTP_ENDPOINTS.forEach(this::rejected);
    return this;
  }

  /** Registers the worker's counters at zero. */
  public SyncMetrics declareWorker() {
    for (String t : TRANSPORTS) {
      SYNC_OUTCOMES.forEach(o -> syncs(t, o));
    }
    filesDownloadedCounter();
    bytesReceivedCounter();
    fallbacks();
    TRANSFER_MODES.forEach(this::transferred);
    return this;
  }

  // ---- master ----

  private Counter scans() {
    return Counter.builder("syncnode.scans").description("Directory scans actually performed").register(registry);
  }

  private Timer scanDuration() {
    return Timer.builder("syncnode.scan.duration").description("Duration of real directory scans")
        .publishPercentileHistogram().register(registry);
  }

  private Counter scanRequests(String transport, String outcome) {
    return Counter.builder("syncnode.scan.requests").tag("transport", transport).tag("outcome", outcome)
        .description("Scan requests by how they were served").register(registry);
  }

  private Counter rejected(String endpoint) {
    return Counter.builder("syncnode.http.rejected").tag("endpoint", endpoint)
        .description("HTTP requests answered 503 by the throttle").register(registry);
  }

  private Counter bytesSentCounter(String transport) {
    return Counter.builder("syncnode.bytes.sent").tag("transport", transport)
        .description("File bytes sent to workers").register(registry);
  }

  public void scanPerformed(long durationMs) {
    scans().increment();
    scanDuration().record(durationMs, TimeUnit.MILLISECONDS);
  }

  public double scansTotal() {
    Counter c = registry.find("syncnode.scans").counter();
    return c == null ? 0 : c.count();
  }

  /** outcome: one of {@link #SCAN_OUTCOMES}. */
  public void scanRequest(String transport, String outcome) {
    scanRequests(transport, outcome).increment();
  }

  /** An entry the scanner left out of a manifest ({@code syncnode_scan_skipped_total{reason}}). */
  public void scanSkipped(String reason) {
    Counter.builder("syncnode.scan.skipped").tag("reason", reason)
        .description("Entries left out of manifests, once per spider and path").register(registry).increment();
  }

  public void httpRejected(String endpoint) {
    rejected(endpoint).increment();
  }

  public void bytesSent(String transport, long bytes) {
    bytesSentCounter(transport).increment(bytes);
  }

  /**
   * Registers a gauge read from {@code value} (cache size, in-flight scans, queue lengths); its
   * description comes from {@link #GAUGE_HELP}.
   */
  public void gauge(String name, Map<String, String> tags, Supplier<Number> value) {
    io.micrometer.core.instrument.Gauge.Builder<Supplier<Number>> b =
        io.micrometer.core.instrument.Gauge.builder(name, value).description(GAUGE_HELP.getOrDefault(name, name));
    tags.forEach(b::tag);
    b.register(registry);
  }

  // ---- worker ----

  private Counter syncs(String transport, String outcome) {
    return Counter.builder("syncnode.syncs").tag("transport", transport).tag("outcome", outcome)
        .description("Syncs run by this worker").register(registry);
  }

  private Counter filesDownloadedCounter() {
    return Counter.builder("syncnode.files.downloaded").description("Files installed by successful syncs")
        .register(registry);
  }

  private Counter bytesReceivedCounter() {
    return Counter.builder("syncnode.bytes.received")
        .description("Bytes received from masters, failed attempts included").register(registry);
  }

  private Counter fallbacks() {
    return Counter.builder("syncnode.grpc.fallbacks")
        .description("Syncs that fell back from gRPC to HTTP").register(registry);
  }

  private Counter transferred(String mode) {
    return Counter.builder("syncnode.files.transferred").tag("mode", mode)
        .description("Files installed by successful syncs, by how their content was obtained").register(registry);
  }

  public void syncFinished(String spiderId, String transport, String outcome, Duration took) {
    syncs(transport, outcome).increment();
    Timer.builder("syncnode.sync.duration").tag("transport", transport).description("Duration of syncs")
        .publishPercentileHistogram().register(registry).record(took);
    if ("success".equals(outcome)) {
      lastSync.computeIfAbsent(spiderId, id -> {
        AtomicLong holder = new AtomicLong();
        return new LastSync(holder, Gauge.builder("syncnode.last.sync.timestamp.seconds", holder::get)
            .description("When the spider last synced successfully (epoch seconds)")
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
    filesDownloadedCounter().increment(n);
  }

  public void bytesReceived(long n) {
    bytesReceivedCounter().increment(n);
  }

  /** Files whose content arrived by {@code mode}: one of {@link #TRANSFER_MODES}. */
  public void filesTransferred(String mode, long n) {
    transferred(mode).increment(n);
  }

  public void grpcFallback() {
    fallbacks().increment();
  }
}
