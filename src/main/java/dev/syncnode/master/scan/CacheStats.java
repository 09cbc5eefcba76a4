package dev.syncnode.master.scan;

/**
 * A snapshot of the scan cache: cached manifests, scans in flight, and spiders whose invalidations
 * are counted for a scan in flight.
 */
public record CacheStats(int cached, int inFlight, int invalidationCounts) {}
