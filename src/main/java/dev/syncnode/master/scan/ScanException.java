package dev.syncnode.master.scan;

/**
 * A scan or file lookup that cannot be served. The {@link Kind} maps to a gRPC status and an HTTP
 * code in the transports, and to the failure code of an event-bus reply.
 */
public class ScanException extends RuntimeException {
  public enum Kind {
    INVALID_ARGUMENT(400),
    NOT_FOUND(404),
    INTERNAL(500);

    public final int code;

    Kind(int code) {
      this.code = code;
    }

    public static Kind fromCode(int code) {
      for (Kind k : values()) {
        if (k.code == code) {
          return k;
        }
      }
      return INTERNAL;
    }
  }

  private final Kind kind;

  public ScanException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public ScanException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }

  public static ScanException notFound(String message) {
    return new ScanException(Kind.NOT_FOUND, message);
  }

  public static ScanException invalid(String message) {
    return new ScanException(Kind.INVALID_ARGUMENT, message);
  }
}
