/** Metrics: the syncnode Micrometer series and the Prometheus registry behind {@code /metrics}. */
package dev.syncnode.metrics;
