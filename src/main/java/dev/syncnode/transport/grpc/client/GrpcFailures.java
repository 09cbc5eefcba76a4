package dev.syncnode.transport.grpc.client;

import dev.syncnode.transport.TransportException.Kind;
import dev.syncnode.transport.TransportException;
import dev.syncnode.transport.grpc.ProtoMapping;
import io.vertx.grpc.client.GrpcClientResponse;
import io.vertx.grpc.common.GrpcStatus;
import java.net.ConnectException;

/** Turns what went wrong on a gRPC call to the master into classified {@link TransportException}s. */
public final class GrpcFailures {
  private GrpcFailures() {}

  /**
   * A bulk transfer call the master does not know (it predates it): the caller falls back. A
   * {@link TransportException}, so that classification passes it through unchanged.
   */
  static final class Unimplemented extends TransportException {
    Unimplemented() {
      super(Kind.UNAVAILABLE, "call not implemented by the master");
    }
  }

  /** Maps client-side failures (connect refused, reset, timeouts) to transport kinds. */
  static TransportException classify(String what, Throwable err) {
    if (err instanceof TransportException te) {
      return te;
    }
    String detail = err.getClass().getSimpleName() + (err.getMessage() == null ? "" : ": " + err.getMessage());
    Throwable root = err;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    if (root != err && root.getMessage() != null) {
      detail += "; " + root.getMessage(); // e.g. why a TLS handshake failed
    }
    if (err instanceof ConnectException || err instanceof io.vertx.core.http.StreamResetException
        || err instanceof io.vertx.core.VertxException && String.valueOf(err.getMessage()).contains("Connection was closed")
        || err instanceof java.io.IOException) {
      return new TransportException(Kind.UNAVAILABLE, what + " failed: master unreachable over gRPC (" + detail + ")", err);
    }
    if (err instanceof java.util.concurrent.TimeoutException || err instanceof io.netty.handler.timeout.TimeoutException) {
      return new TransportException(Kind.TIMEOUT, what + " timed out (" + detail + ")", err);
    }
    return new TransportException(Kind.UNAVAILABLE, what + " failed over gRPC (" + detail + ")", err);
  }

  /** A response that did not start with OK; UNIMPLEMENTED as {@link Unimplemented} where the caller can fall back. */
  static TransportException status(GrpcClientResponse<?, ?> resp, boolean fallback) {
    return fallback && resp.status() == GrpcStatus.UNIMPLEMENTED ? new Unimplemented()
        : status(resp.status(), statusMessage(resp));
  }

  /** Why a response stream ended badly: its gRPC status, or what broke it before a status came. */
  static TransportException end(GrpcClientResponse<?, ?> resp, Throwable cause, boolean fallback) {
    if (resp.status() == null && cause instanceof io.vertx.grpc.common.MessageSizeOverflowException big) {
      return new TransportException(Kind.PROTOCOL, "the master sent a message of " + big.messageSize()
          + " bytes, more than the limit of " + ProtoMapping.MAX_MESSAGE_SIZE, cause);
    }
    if (resp.status() == null && cause instanceof io.vertx.grpc.common.InvalidMessageException) {
      return new TransportException(Kind.PROTOCOL, "the master sent an invalid message: " + cause, cause);
    }
    if (resp.status() == null && cause != null && !(cause instanceof TransportException)) {
      return classify("gRPC stream", cause);
    }
    return status(resp, fallback);
  }

  /** The kind a gRPC status stands for; the text names the status ("NOT_FOUND", not its number "5"). */
  static TransportException status(GrpcStatus s, String msg) {
    GrpcStatus status = s == null ? GrpcStatus.UNKNOWN : s;
    String text = "gRPC " + status.name() + (msg == null ? "" : ": " + msg);
    Kind kind = switch (status) {
      case NOT_FOUND -> Kind.NOT_FOUND;
      case INVALID_ARGUMENT, OUT_OF_RANGE -> Kind.INVALID;
      case UNAUTHENTICATED, PERMISSION_DENIED -> Kind.UNAUTHENTICATED;
      case UNAVAILABLE, UNIMPLEMENTED -> Kind.UNAVAILABLE;
      case RESOURCE_EXHAUSTED -> Kind.BUSY;
      case DEADLINE_EXCEEDED -> Kind.TIMEOUT;
      default -> Kind.PROTOCOL;
    };
    return new TransportException(kind, text);
  }

  /**
   * The status message, percent-decoded exactly once ({@code statusMessage()} has already decoded
   * it; decoding again broke on messages that contain a '%', such as a path). A malformed encoding
   * from a hostile master is shown raw instead of throwing, which would leave the call unanswered.
   */
  public static String statusMessage(GrpcClientResponse<?, ?> resp) {
    try {
      String msg = resp.statusMessage();
      if (msg != null) {
        return msg;
      }
    } catch (IllegalArgumentException malformed) {
      // fall through to the raw header
    }
    String raw = resp.headers() == null ? null : resp.headers().get("grpc-message");
    if (raw == null && resp.trailers() != null) {
      raw = resp.trailers().get("grpc-message");
    }
    if (raw == null) {
      return null;
    }
    try {
      return io.netty.handler.codec.http.QueryStringDecoder.decodeComponent(raw);
    } catch (IllegalArgumentException malformed) {
      return raw;
    }
  }
}
