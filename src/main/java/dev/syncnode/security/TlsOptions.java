package dev.syncnode.security;

import dev.syncnode.config.NodeConfig;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * TLS for both ports and for the worker's clients, from {@code tls.*} (PEM files).
 *
 * <ul>
 *   <li>Servers: with {@code tls.enabled}, both the gRPC and the HTTP port speak TLS only, with the
 *       PEM certificate chain {@code tls.certPath} and private key {@code tls.keyPath} (PKCS#8 or
 *       PKCS#1). ALPN offers h2 and http/1.1, which gRPC needs. A plaintext client gets its connection
 *       closed during the handshake.
 *   <li>Clients (a worker, the CLI): TLS to the master when {@code tls.enabled} is set or a CA file is
 *       given in {@code tls.caPath} (the CLI's {@code --ca}), and for an {@code https://} master URL.
 *       The master's certificate must chain to {@code tls.caPath}, or to the JVM's default trust store
 *       when no CA is given, and must name the host the worker connects to.
 * </ul>
 */
public final class TlsOptions {
  private TlsOptions() {}

  /** Server side: applies {@code tls.*} to {@code options} when TLS is enabled. */
  public static HttpServerOptions server(HttpServerOptions options, NodeConfig.Tls tls) {
    if (tls == null || !tls.enabled()) {
      return options;
    }
    String cert = requireFile("tls.certPath", tls.certPath());
    String key = requireFile("tls.keyPath", tls.keyPath());
    return options
        .setSsl(true)
        .setUseAlpn(true)
        .setKeyCertOptions(new PemKeyCertOptions().setCertPath(cert).setKeyPath(key));
  }

  /** Whether a worker or the CLI talks TLS to its master. */
  public static boolean clientEnabled(NodeConfig.Tls tls) {
    return tls != null && (tls.enabled() || !blank(tls.caPath()));
  }

  /**
   * Client side: TLS with ALPN, trusting {@code tls.caPath} (or the JVM's default trust store),
   * host name verified. Call it only when TLS is wanted.
   */
  public static HttpClientOptions client(HttpClientOptions options, NodeConfig.Tls tls) {
    options.setSsl(true).setUseAlpn(true).setVerifyHost(true);
    if (tls != null && !blank(tls.caPath())) {
      options.setTrustOptions(new PemTrustOptions().addCertPath(requireFile("tls.caPath", tls.caPath())));
    }
    return options;
  }

  private static String requireFile(String key, String path) {
    if (blank(path)) {
      throw new IllegalArgumentException(key + " is required when TLS is enabled");
    }
    if (!Files.isReadable(Path.of(path))) {
      throw new IllegalArgumentException(key + ": cannot read " + path);
    }
    return path;
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
