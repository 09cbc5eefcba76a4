package dev.syncnode.cluster.fleet;

/** Event-bus addresses of the fleet view. */
public final class FleetAddresses {
  /** Cluster-wide publish, worker -> master: a {@link FleetReport} (JSON codec). */
  public static final String REPORT = "syncnode.fleet.report";
  /** Cluster-wide publish, master -> workers: a {@link DigestAnnouncement} (JSON codec). */
  public static final String ANNOUNCE = "syncnode.fleet.announce";
  /** Master-local: spider id (String) -> the JSON of {@code GET /api/spiders/{id}/nodes}; fails 400 or 404. */
  public static final String QUERY_SPIDER = "syncnode.fleet.query.spider";
  /** Master-local: any body -> the JSON of {@code GET /api/spiders} in cluster mode. */
  public static final String QUERY_SPIDERS = "syncnode.fleet.query.spiders";
  /** Master-local: any body -> the JSON of {@code GET /api/fleet}. */
  public static final String QUERY_FLEET = "syncnode.fleet.query.fleet";

  private FleetAddresses() {}
}
