package dev.syncnode.transport;

import dev.syncnode.manifest.Manifest;

/**
 * The answer to a scan that may carry the digest the worker already holds.
 *
 * @param manifest the manifest, or null when {@code unchanged}
 * @param digest the master's manifest digest
 * @param total number of entries of the master's manifest
 * @param unchanged the worker's known digest is current: no list was sent
 */
public record ScanResult(Manifest manifest, String digest, long total, boolean unchanged) {
  public static ScanResult of(Manifest m) {
    return new ScanResult(m, m.digest(), m.total(), false);
  }

  public static ScanResult unchanged(String digest, long total) {
    return new ScanResult(null, digest, total, true);
  }
}
