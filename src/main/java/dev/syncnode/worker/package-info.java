/**
 * The worker side: the sync verticle with its per-destination in-flight map, one sync run (manifest,
 * diff, verified downloads, atomic apply), retries with backoff and the transport choice. A run
 * first checks its {@link dev.syncnode.worker.apply.LocalState} (the digest it last applied, confirmed by a
 * stat-only fingerprint) so an unchanged spider costs one round trip; {@code Downloads} gets each
 * needed content by local reuse, block delta, bulk streams or whole-file streams, and
 * {@code PieceWriter} writes and hashes the pieces off the event loop.
 */
package dev.syncnode.worker;
