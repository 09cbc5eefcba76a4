/**
 * The worker side: the sync verticle with its per-destination in-flight map, and one sync run as a
 * chain of phases (scan, plan, fetch, apply, state) with retries, backoff and the gRPC-to-HTTP
 * fallback ({@code Transports}). A run first checks its {@link dev.syncnode.worker.apply.LocalState}
 * (the digest it last applied, confirmed by a stat-only fingerprint) so an unchanged spider costs one
 * round trip; {@link dev.syncnode.worker.fetch} gets the bytes, {@link dev.syncnode.worker.apply}
 * installs them.
 */
package dev.syncnode.worker;
