package dev.syncnode.worker;

/**
 * A sync of a destination started or ended (local publish on {@code Addresses.WORKER_SYNC_EVENTS}).
 * Published once per run, however many requests joined it, so a follower (cluster mode's fleet
 * reporter) sees what the destination went through, not how often it was asked for.
 *
 * @param spiderId the spider
 * @param inWorkspace the destination is the spider's own one, {@code <workspace>/<spiderId>} (not a
 *     {@code dest} a caller named)
 * @param phase started, succeeded or failed
 * @param at when it happened (epoch ms)
 * @param report the report of a succeeded run, else null
 * @param error the failure message of a failed run, else null
 */
public record SyncEvent(String spiderId, boolean inWorkspace, Phase phase, long at, SyncReport report, String error) {
  /** Where the run is. */
  public enum Phase { STARTED, SUCCEEDED, FAILED }
}
