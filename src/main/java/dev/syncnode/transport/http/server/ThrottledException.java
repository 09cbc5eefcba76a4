package dev.syncnode.transport.http.server;

/** A request the throttle turned away because its queue is full: answered 503 + Retry-After. */
public final class ThrottledException extends RuntimeException {
  private final HttpThrottle.Endpoint endpoint;

  ThrottledException(HttpThrottle.Endpoint endpoint, String message) {
    super(message, null, false, false);
    this.endpoint = endpoint;
  }

  public HttpThrottle.Endpoint endpoint() {
    return endpoint;
  }
}
