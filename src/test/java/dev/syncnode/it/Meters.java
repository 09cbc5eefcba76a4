package dev.syncnode.it;

import dev.syncnode.metrics.SyncMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.search.Search;

/** Reads counters off a node's registry (sum over every series that matches the tags). */
public final class Meters {
  private Meters() {}

  /** @param tags key, value, key, value, ... */
  public static double count(SyncMetrics metrics, String name, String... tags) {
    Search s = metrics.registry().find(name);
    for (int i = 0; i + 1 < tags.length; i += 2) {
      s = s.tag(tags[i], tags[i + 1]);
    }
    return s.counters().stream().mapToDouble(Counter::count).sum();
  }

  /** {@code syncnode_scan_requests_total{outcome=...}} summed over transports. */
  public static double scanRequests(SyncMetrics master, String outcome) {
    return count(master, "syncnode.scan.requests", "outcome", outcome);
  }
}
