/**
 * The worker side: the sync verticle with its per-destination in-flight map, one sync run (manifest,
 * diff, verified downloads, atomic apply), retries with backoff and the transport choice.
 */
package dev.syncnode.worker;
