package dev.syncnode.transport.grpc.server;

import io.vertx.grpc.server.GrpcServerRequest;
import java.util.HashMap;
import java.util.Map;

/**
 * Calls in flight, in total and per client address, so one client cannot take every slot of a kind
 * of call. Confined to the gRPC endpoint's event loop (no locks).
 */
final class ClientSlots {
  private final Map<String, Integer> perClient = new HashMap<>();
  private int total;

  /** Counts one more call from {@code client}, or false when it already has {@code max} in flight. */
  boolean enter(String client, int max) {
    int n = perClient.getOrDefault(client, 0);
    if (n >= max) {
      return false;
    }
    perClient.put(client, n + 1);
    total++;
    return true;
  }

  /** Ends a call counted by {@link #enter}. */
  void leave(String client) {
    Integer n = perClient.get(client);
    if (n == null) {
      return;
    }
    if (n <= 1) {
      perClient.remove(client);
    } else {
      perClient.put(client, n - 1);
    }
    total--;
  }

  int total() {
    return total;
  }

  int of(String client) {
    return perClient.getOrDefault(client, 0);
  }

  /** The address a call came from, the unit of the per-client limits. */
  static String clientOf(GrpcServerRequest<?, ?> req) {
    return req.connection() == null || req.connection().remoteAddress() == null ? "?"
        : String.valueOf(req.connection().remoteAddress().host());
  }
}
