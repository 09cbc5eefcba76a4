package dev.syncnode.transport.http.server;

import dev.syncnode.master.UnexpectedFailure;
import dev.syncnode.master.scan.ScanException;
import dev.syncnode.transport.http.ClientGoneException;
import dev.syncnode.transport.http.HttpStatusException;
import io.vertx.core.VertxException;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JSON replies of the HTTP endpoint and the one mapping from failures to status codes. Every error
 * is {@code {"error": "..."}}; bad input maps to 4xx, overload to 503 with {@code Retry-After},
 * and only a genuine server fault to 500.
 */
public final class HttpReplies {
  private static final Logger LOG = LoggerFactory.getLogger(HttpReplies.class);
  public static final String JSON = "application/json";
  /** Seconds a rejected client should wait before it tries again. */
  static final int RETRY_AFTER_SECONDS = 1;

  private HttpReplies() {}

  public static void json(RoutingContext ctx, int status, JsonObject body) {
    HttpServerResponse resp = ctx.response();
    if (resp.closed() || resp.ended()) {
      return;
    }
    resp.setStatusCode(status).putHeader("Content-Type", JSON).end(body.encode());
  }

  public static void error(RoutingContext ctx, int status, String message) {
    HttpServerResponse resp = ctx.response();
    if (resp.closed() || resp.ended()) {
      return;
    }
    if (resp.headWritten()) {
      // a body is half written: cutting the connection is the only honest signal left
      resp.reset();
      return;
    }
    if (status == 503) {
      resp.putHeader("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
    }
    json(ctx, status, new JsonObject().put("error", message == null || message.isEmpty() ? "error" : message));
  }

  /** Answers a failed request with the status its failure deserves. */
  public static void fail(RoutingContext ctx, Throwable err) {
    if (clientGone(ctx, err)) {
      LOG.debug("HTTP {} {}: client went away ({})", ctx.request().method(), ctx.request().path(), err.toString());
      return;
    }
    int status = statusOf(err);
    if (status >= 500 && status != 503) {
      LOG.warn("HTTP {} {} failed", ctx.request().method(), ctx.request().path(), err);
    }
    error(ctx, status, unexpected(err) ? UnexpectedFailure.describe(err) : err.getMessage());
  }

  /**
   * Whether the failure only says that the client's connection is gone (it closed it, possibly right
   * after reading the last byte of a complete body): nothing to answer, nothing to log loudly.
   */
  static boolean clientGone(RoutingContext ctx, Throwable err) {
    return connectionGone(err) || ctx.response().closed();
  }

  /**
   * Whether {@code err} is the connection's end: a write can fail with the peer's reset ("Connection
   * reset by peer", "Broken pipe") before the response hears that it closed.
   */
  static boolean connectionGone(Throwable err) {
    String message = err.getMessage();
    return err instanceof ClientGoneException
        || err instanceof ClosedChannelException
        || err instanceof HttpClosedException
        || err instanceof VertxException && "Connection was closed".equals(message)
        || err instanceof IOException && message != null
            && (message.contains("Connection reset") || message.contains("Broken pipe"));
  }

  /** A failure none of the node's own exceptions describes: its message may hold local paths. */
  private static boolean unexpected(Throwable err) {
    return !(err instanceof HttpStatusException || err instanceof ThrottledException || err instanceof ScanException
        || err instanceof ReplyException);
  }

  static int statusOf(Throwable err) {
    if (err instanceof HttpStatusException se) {
      return se.status();
    }
    if (err instanceof ThrottledException) {
      return 503;
    }
    if (err instanceof ScanException se) {
      return se.kind().code;
    }
    if (err instanceof ReplyException re) {
      if (re.failureType() == ReplyFailure.RECIPIENT_FAILURE && re.failureCode() >= 400) {
        return re.failureCode();
      }
      // timeout or no handler: the scan side is overloaded or not there yet; try again later
      return 503;
    }
    return 500;
  }
}
