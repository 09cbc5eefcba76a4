package dev.syncnode.config;

/** A {@code HOST:PORT} address (an IPv6 host in brackets), as {@code master.grpc} and {@code --master} take it. */
public record HostPort(String host, int port) {
  /** @throws IllegalArgumentException unless {@code s} is a host, a colon and a port between 1 and 65535 */
  public static HostPort parse(String s) {
    int colon = s == null ? -1 : s.lastIndexOf(':');
    String host = colon > 0 ? s.substring(0, colon) : "";
    int port = -1;
    try {
      port = colon > 0 ? Integer.parseInt(s.substring(colon + 1)) : -1;
    } catch (NumberFormatException e) {
      // reported below
    }
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    if (host.isBlank() || port < 1 || port > 65535) {
      throw new IllegalArgumentException("expected HOST:PORT with a port between 1 and 65535, got \"" + s + "\"");
    }
    return new HostPort(host, port);
  }
}
