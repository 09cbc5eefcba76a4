package dev.syncnode.security;

import dev.syncnode.config.NodeConfig;
import dev.syncnode.manifest.ManifestDigest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Bearer-token check shared by both endpoints. Both sides are hashed (SHA-256) before a
 * constant-time comparison, so the time taken reveals neither a matching prefix nor the token's
 * length. The scheme name is case-insensitive ({@code Bearer}, {@code bearer}).
 */
public final class Auth {
  private static final String SCHEME = "Bearer ";

  private Auth() {}

  /** True when auth is off, or the header is {@code Bearer <token>}. */
  public static boolean check(NodeConfig.Auth auth, String authorizationHeader) {
    if (auth == null || !auth.enabled()) {
      return true;
    }
    String presented = "";
    if (authorizationHeader != null && authorizationHeader.length() >= SCHEME.length()
        && authorizationHeader.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
      presented = authorizationHeader.substring(SCHEME.length());
    }
    boolean same = MessageDigest.isEqual(sha256(auth.token()), sha256(presented));
    return same && !presented.isEmpty();
  }

  /** The header value a client sends, or null when no token is configured. */
  public static String header(String token) {
    return token == null || token.isEmpty() ? null : "Bearer " + token;
  }

  private static byte[] sha256(String s) {
    return ManifestDigest.sha256().digest(s.getBytes(StandardCharsets.UTF_8));
  }
}
