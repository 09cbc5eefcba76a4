package dev.syncnode.master.scan;

import dev.syncnode.manifest.Manifest;

/** The manifest and how it was obtained. */
public record ScanReply(Manifest manifest, Outcome outcome) {
  /** How a scan request was served; the wire names are the metric labels. */
  public enum Outcome {
    CACHE_HIT("cache_hit"),
    JOINED("joined"),
    SCANNED("scanned");

    public final String label;

    Outcome(String label) {
      this.label = label;
    }
  }
}
