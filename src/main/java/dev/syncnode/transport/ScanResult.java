package dev.syncnode.transport;

import dev.syncnode.manifest.Manifest;
import dev.syncnode.manifest.Skipped;
import java.util.List;

/**
 * The answer to a scan that may carry the digest the worker already holds.
 *
 * @param manifest the manifest, or null when {@code unchanged}
 * @param digest the master's manifest digest
 * @param total number of entries of the master's manifest
 * @param unchanged the worker's known digest is current: no list was sent
 * @param skipped entries the master left out, as it listed them (the manifest's, or those of an
 *     unchanged answer that lists them)
 */
public record ScanResult(Manifest manifest, String digest, long total, boolean unchanged, List<Skipped> skipped,
    long skippedTotal) {
  public ScanResult {
    skipped = skipped == null ? List.of() : List.copyOf(skipped);
    skippedTotal = Math.max(skippedTotal, skipped.size());
  }

  public ScanResult(Manifest manifest, String digest, long total, boolean unchanged) {
    this(manifest, digest, total, unchanged, manifest == null ? List.of() : manifest.skipped(),
        manifest == null ? 0 : manifest.skippedTotal());
  }

  public static ScanResult of(Manifest m) {
    return new ScanResult(m, m.digest(), m.total(), false);
  }

  public static ScanResult unchanged(String digest, long total) {
    return new ScanResult(null, digest, total, true);
  }

  public ScanResult withSkipped(List<Skipped> listed, long count) {
    return new ScanResult(manifest, digest, total, unchanged, listed, count);
  }
}
