package dev.syncnode.master.scan;

/** Ask the scan cache for the manifest of a spider (or a sub-path); transport labels the metrics. */
public record ScanRequest(String spiderId, String path, String transport) {}
