/**
 * Fleet view (cluster mode): which manifest digest of each spider every worker holds, and workers
 * converging on a change by themselves.
 *
 * <ul>
 *   <li>Workers report to the master over the clustered event bus ({@link dev.syncnode.cluster.fleet.FleetReport}):
 *       every spider they hold when they join, and each sync as it starts and ends
 *       ({@link dev.syncnode.cluster.fleet.FleetWorkerVerticle}).
 *   <li>The master keeps that per (spider, node key) in a bounded {@link dev.syncnode.cluster.fleet.FleetTable},
 *       keyed by the registered key of the node that sent the report (never by what the report claims),
 *       forgets nodes that left, and serves it as {@code GET /api/spiders/{id}/nodes}, {@code GET /api/fleet}
 *       and the details of {@code GET /api/spiders} ({@link dev.syncnode.cluster.fleet.FleetRoutes}).
 *   <li>When a spider changes, the master rescans it once the change settled and announces the new
 *       digest ({@link dev.syncnode.cluster.fleet.DigestAnnouncement}); a worker that holds the spider
 *       re-syncs it after a quiet period with jitter, a few spiders at a time
 *       ({@link dev.syncnode.cluster.fleet.Prefetcher}), unless {@code sync.prefetch} is off.
 * </ul>
 */
package dev.syncnode.cluster.fleet;
