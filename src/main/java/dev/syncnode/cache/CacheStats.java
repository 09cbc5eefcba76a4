package dev.syncnode.cache;

/** A snapshot of the scan cache: cached manifests and scans in flight. */
public record CacheStats(int cached, int inFlight) {}
