package dev.syncnode.master.scan;

/** Request to the scanner verticle: walk {@code <workspace>/<spiderId>/<path>}. */
public record ScanJob(String spiderId, String path) {}
