package dev.syncnode.transport;

/**
 * A failed call to the master, classified so the worker can decide: retry, fall back to HTTP, or
 * give up at once.
 */
public class TransportException extends RuntimeException {
  public enum Kind {
    /** Master not reachable, connection reset, port closed, gRPC UNAVAILABLE: retry, and fall back. */
    UNAVAILABLE(true, true),
    /** Back-pressure (503, 429, RESOURCE_EXHAUSTED) or a 5xx: retry later. */
    BUSY(true, false),
    /** No answer in time. */
    TIMEOUT(true, true),
    /** A body that is not what the protocol says (HTML page, cut JSON, wrong stream): retry. */
    PROTOCOL(true, false),
    /** Unknown spider or file. */
    NOT_FOUND(false, false),
    /** Bad id or path, or a hostile manifest. */
    INVALID(false, false),
    /** Token missing or wrong. */
    UNAUTHENTICATED(false, false),
    /**
     * Downloaded bytes do not match the manifest (hash, or more bytes than its size). Not retried as
     * is: the manifest is likely stale, so the sync asks for a fresh one (see SyncRun).
     */
    INTEGRITY(false, false),
    /** Local I/O failed (disk full, permissions). */
    LOCAL_IO(false, false);

    public final boolean retryable;
    public final boolean fallback;

    Kind(boolean retryable, boolean fallback) {
      this.retryable = retryable;
      this.fallback = fallback;
    }
  }

  private final Kind kind;
  private final long retryAfterMs;

  public TransportException(Kind kind, String message) {
    this(kind, message, null, -1);
  }

  public TransportException(Kind kind, String message, Throwable cause) {
    this(kind, message, cause, -1);
  }

  public TransportException(Kind kind, String message, Throwable cause, long retryAfterMs) {
    super(message, cause);
    this.kind = kind;
    this.retryAfterMs = retryAfterMs;
  }

  public Kind kind() {
    return kind;
  }

  /** Server-requested delay before a retry (Retry-After), or -1. */
  public long retryAfterMs() {
    return retryAfterMs;
  }

  public static Kind kindOf(Throwable t) {
    return t instanceof TransportException te ? te.kind : null;
  }
}
