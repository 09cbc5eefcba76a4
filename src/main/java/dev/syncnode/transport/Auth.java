package dev.syncnode.transport;

import dev.syncnode.config.NodeConfig;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** Bearer-token check shared by both endpoints. Constant-time comparison. */
public final class Auth {
  private Auth() {}

  /** True when auth is off, or the header is exactly {@code Bearer <token>}. */
  public static boolean check(NodeConfig.Auth auth, String authorizationHeader) {
    if (auth == null || !auth.enabled()) {
      return true;
    }
    byte[] expected = ("Bearer " + auth.token()).getBytes(StandardCharsets.UTF_8);
    byte[] actual = authorizationHeader == null ? new byte[0]
        : authorizationHeader.getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(expected, actual);
  }

  /** The header value a client sends, or null when no token is configured. */
  public static String header(String token) {
    return token == null || token.isEmpty() ? null : "Bearer " + token;
  }
}
