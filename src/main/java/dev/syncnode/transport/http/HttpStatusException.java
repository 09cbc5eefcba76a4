package dev.syncnode.transport.http;

/** A request that must be answered with a given status and message ({@code {"error": message}}). */
public final class HttpStatusException extends RuntimeException {
  private final int status;

  public HttpStatusException(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  public int status() {
    return status;
  }

  public static HttpStatusException badRequest(String message) {
    return new HttpStatusException(400, message);
  }
}
