package dev.syncnode.transport.grpc.client;

import dev.syncnode.transport.TransportException.Kind;
import dev.syncnode.transport.TransportException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Timer;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.streams.WriteStream;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientRequest;
import io.vertx.grpc.client.GrpcClientResponse;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The one way the worker's gRPC clients call the master: the authorization header, the deadline
 * (sent to the master, enforced here, with a backstop timer), the stream cancelled as soon as reading
 * the answer fails, and every failure classified into a {@link TransportException}.
 */
record GrpcCalls(Vertx vertx, GrpcClient client, SocketAddress address, String authHeader) {
  /** How long after a call's deadline the backstop timer gives up on it. */
  static final long DEADLINE_GRACE_MS = 250;

  /**
   * Sends {@code request} and hands the response to {@code reader}.
   *
   * @param timeout the whole call's limit; null or zero: none
   * @param what names the call in failure messages ("scan of spider1")
   */
  <Q, A, T> Future<T> call(ServiceMethod<A, Q> method, Q request, Duration timeout, String what,
      Function<GrpcClientResponse<Q, A>, Future<T>> reader) {
    boolean limited = timeout != null && !timeout.isZero();
    return client.request(address, method)
        .compose(req -> {
          if (authHeader != null) {
            req.headers().set("authorization", authHeader);
          }
          if (limited) {
            req.timeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
          }
          Future<T> answer = req.send(request).compose(resp -> reader.apply(resp).onFailure(err -> cancel(req)));
          return limited ? deadline(req, timeout, answer) : answer;
        })
        .recover(err -> Future.failedFuture(GrpcFailures.classify(what, err)));
  }

  /**
   * A failure after the request's own deadline fired is a TIMEOUT, whatever the stream reported. A
   * backstop timer fails the call shortly after the deadline even if the stream never reports its
   * cancellation (seen with a master flooding messages while its connection was being torn down).
   */
  private <T> Future<T> deadline(GrpcClientRequest<?, ?> req, Duration timeout, Future<T> f) {
    Promise<T> result = Promise.promise();
    long backstop = vertx.setTimer(timeout.toMillis() + DEADLINE_GRACE_MS, id -> {
      if (result.tryFail(timedOut(timeout, null))) {
        cancel(req);
      }
    });
    f.onComplete(ar -> {
      vertx.cancelTimer(backstop);
      if (ar.succeeded()) {
        result.tryComplete(ar.result());
        return;
      }
      Timer d = req.deadline();
      Throwable err = ar.cause();
      boolean integrity = err instanceof TransportException te && te.kind() == Kind.INTEGRITY;
      result.tryFail(d != null && d.succeeded() && !integrity ? timedOut(timeout, err) : err);
    });
    return result.future();
  }

  private static TransportException timedOut(Duration timeout, Throwable cause) {
    return new TransportException(Kind.TIMEOUT,
        "no complete answer from the master within " + timeout.toMillis() + " ms", cause);
  }

  private static void cancel(GrpcClientRequest<?, ?> req) {
    try {
      req.cancel();
    } catch (RuntimeException ignored) {
      // already ended
    }
  }

  /**
   * Feeds every message, mapped by {@code map} (null: nothing to write; a {@link TransportException}:
   * the call fails), into the sink with back-pressure.
   *
   * @param transfer whether the call is one of the transfer calls (for the failure's wording)
   */
  static <M, T> Future<Void> receive(GrpcClientResponse<?, M> resp, WriteStream<T> sink, boolean transfer,
      Function<M, T> map) {
    if (resp.status() != null && resp.status() != GrpcStatus.OK) {
      return Future.failedFuture(GrpcFailures.status(resp, transfer));
    }
    Promise<Void> result = Promise.promise();
    resp.handler(msg -> {
      if (result.future().isComplete()) {
        return;
      }
      T item;
      try {
        item = map.apply(msg);
      } catch (TransportException e) {
        result.tryFail(e);
        return;
      }
      if (item == null) {
        return;
      }
      sink.write(item).onFailure(result::tryFail);
      if (sink.writeQueueFull()) {
        resp.pause();
        sink.drainHandler(v -> resp.resume());
      }
    });
    resp.end().onComplete(ar -> {
      if (ar.failed()) {
        result.tryFail(GrpcFailures.end(resp, ar.cause(), transfer));
      } else {
        result.tryComplete();
      }
    });
    return result.future();
  }
}
