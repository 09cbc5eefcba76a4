package dev.syncnode.bus;

/** Event-bus addresses of the node's verticles. */
public final class Addresses {
  /** Scanner verticle: {@code ScanJob} -> {@code Scanner.Result}. A real directory walk. */
  public static final String SCANNER_SCAN = "syncnode.scanner.scan";
  /** Scan cache verticle: {@code ScanRequest} -> {@code ScanReply}. Cached, deduplicated. */
  public static final String CACHE_SCAN = "syncnode.cache.scan";
  /** Scan cache verticle: {@code CacheStats} snapshot, any body. */
  public static final String CACHE_STATS = "syncnode.cache.stats";
  /** Scan cache verticle: drop every cached manifest of the spider named in the body (String). */
  public static final String CACHE_INVALIDATE = "syncnode.cache.invalidate";
  /**
   * Scan cache verticle: a download endpoint reports a {@code ServedFile} (size and mtime of a file it
   * just served); manifests of that spider that list the file differently are dropped. Replies null.
   */
  public static final String CACHE_SERVED = "syncnode.cache.served";
  /**
   * Scan cache verticle: a spider id (String) -> its cached, unexpired whole-spider {@code Manifest},
   * or null; never scans.
   */
  public static final String CACHE_PEEK = "syncnode.cache.peek";
  /**
   * Scan cache verticle: a spider id (String); scans the whole spider unless a current manifest is cached
   * or a scan of it runs (then waits for that one), and replies null once there is one. Counted as no request.
   */
  public static final String CACHE_PREWARM = "syncnode.cache.prewarm";
  /** Master content verticle: any body -> {@code MasterService.SpiderList}. */
  public static final String MASTER_SPIDERS = "syncnode.master.spiders";
  /** Master content verticle: {@code MasterService.FileRequest} -> {@code MasterService.OpenedFile}. */
  public static final String MASTER_OPEN = "syncnode.master.open";
  /** Master content verticle: {@code MasterService.PieceRequest} -> {@code PieceReader}. */
  public static final String MASTER_PIECES = "syncnode.master.pieces";
  /** Master content verticle: {@code MasterService.BlockHashRequest} -> {@code BlockIndex}. */
  public static final String MASTER_BLOCK_HASHES = "syncnode.master.blockhashes";
  /** Worker sync verticle: {@code SyncRequest} -> {@code SyncReport}. */
  public static final String WORKER_SYNC = "syncnode.worker.sync";
  /**
   * Worker sync verticle, local publish: a {@code SyncEvent} when a sync of a destination starts and
   * when it ends (one per run, however many requests joined it).
   */
  public static final String WORKER_SYNC_EVENTS = "syncnode.worker.sync.events";
  /**
   * Spider watch, local publish: the id (String) of a spider whose tree changed, or {@code "*"} for
   * every spider. Sent next to the scan cache's invalidation, for whoever follows spider changes.
   */
  public static final String SPIDER_CHANGED = "syncnode.master.spider.changed";

  private Addresses() {}
}
