package dev.syncnode.transport.http.client;

import io.vertx.core.http.HttpClientResponse;

/**
 * The head of an HTTP answer as the worker saw it, for checks and error messages.
 *
 * @param url what was asked for
 */
public record Answer(String url, int status, String reason, String contentType, String retryAfter, long contentLength) {

  public static Answer of(String url, HttpClientResponse resp) {
    String length = resp.getHeader("Content-Length");
    long cl = -1;
    if (length != null) {
      try {
        cl = Long.parseLong(length.trim());
      } catch (NumberFormatException e) {
        cl = -1;
      }
    }
    return new Answer(url, resp.statusCode(), resp.statusMessage(), resp.getHeader("Content-Type"),
        resp.getHeader("Retry-After"), cl);
  }

  /** Whether the media type (parameters aside) is {@code type}. */
  public boolean hasType(String type) {
    if (contentType == null) {
      return false;
    }
    int semi = contentType.indexOf(';');
    String media = (semi < 0 ? contentType : contentType.substring(0, semi)).trim();
    return media.equalsIgnoreCase(type);
  }

  public String describe() {
    return "HTTP " + status + (reason == null || reason.isEmpty() ? "" : " " + reason)
        + ", Content-Type " + (contentType == null ? "(none)" : contentType) + ", from GET " + url;
  }
}
