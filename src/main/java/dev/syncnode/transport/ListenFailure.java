package dev.syncnode.transport;

import dev.syncnode.config.NodeConfig;
import java.net.BindException;

/**
 * A server port that cannot be bound, said in the config's words ({@code http.port 8000 is already
 * in use}): the socket exception names neither the port nor the setting, and depending on the
 * transport (NIO or native epoll) is not even a {@link BindException}.
 */
public final class ListenFailure extends RuntimeException {
  public ListenFailure(String message, Throwable cause) {
    super(message, cause, false, false);
  }

  /**
   * @param prefix the config section of the endpoint ({@code http}, {@code grpc})
   * @return a ListenFailure for a bind error, else {@code err} unchanged
   */
  public static Throwable explain(String prefix, NodeConfig.Endpoint ep, Throwable err) {
    String reason = err.getMessage() == null ? "" : err.getMessage();
    boolean bind = err instanceof BindException || reason.contains("bind(") || reason.contains("Address already in use");
    if (!bind) {
      return err;
    }
    if (reason.contains("Address already in use")) {
      return new ListenFailure(prefix + ".port " + ep.port() + " is already in use", err);
    }
    String why = reason.substring(reason.lastIndexOf(':') + 1).trim();
    return new ListenFailure("cannot listen on " + prefix + ".host " + ep.host() + ", " + prefix + ".port "
        + ep.port() + ": " + (why.isEmpty() ? err.getClass().getSimpleName() : why), err);
  }

  /** The first ListenFailure in {@code err}'s cause chain, or null. */
  public static ListenFailure in(Throwable err) {
    for (Throwable t = err; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof ListenFailure f) {
        return f;
      }
    }
    return null;
  }
}
