package dev.syncnode.transport.grpc.server;

import dev.syncnode.master.content.PieceReader;
import dev.syncnode.master.scan.ServedFile;
import dev.syncnode.metrics.SyncMetrics;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.grpc.common.GrpcMessage;
import io.vertx.grpc.server.GrpcServerResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * One response being written. Its state is touched on the event loop only. Each round first reserves
 * {@link PieceReader#ROUND_BYTES} of the shared {@link SendBudget}, keeps what it read reserved until
 * the client has drained it, and is cancelled when the client does not within
 * {@code sync.grpc.stallTimeout}. The reader is released by the round that finishes or fails, or,
 * when the stream ends between rounds (waiting for budget or to drain), right then.
 */
final class StreamPump {
  /** How long a stalled stream may keep its budget while other streams wait for some. */
  static final long CONTENDED_STALL_MS = 5_000;

  private final Vertx vertx;
  private final SendBudget budget;
  private final SyncMetrics metrics;
  private final LongSupplier stallMs;
  /** Whether other streams wait for budget or were just refused a slot. */
  private final BooleanSupplier contended;
  /** Where "this file was just served" goes (the master's scan cache). */
  private final Consumer<List<ServedFile>> served;
  private final GrpcServerResponse<?, ?> resp;
  private final PieceReader reader;
  private final Function<PieceReader.Piece, GrpcMessage> toMessage;
  private final Promise<Void> done = Promise.promise();
  /** Whether a round is being read on a worker thread (which then releases a cancelled reader). */
  private boolean reading;
  private SendBudget.Reservation pending;
  private long held;
  private long stallTimer = -1;
  /** Whether the pump waits for the last round to be written (or drained) before the next. */
  private boolean waiting;

  StreamPump(Vertx vertx, SendBudget budget, SyncMetrics metrics, LongSupplier stallMs,
      BooleanSupplier contended, Consumer<List<ServedFile>> served, GrpcServerResponse<?, ?> resp, PieceReader reader,
      Function<PieceReader.Piece, GrpcMessage> toMessage) {
    this.vertx = vertx;
    this.budget = budget;
    this.metrics = metrics;
    this.stallMs = stallMs;
    this.contended = contended;
    this.served = served;
    this.resp = resp;
    this.reader = reader;
    this.toMessage = toMessage;
  }

  Future<Void> start() {
    resp.exceptionHandler(err -> stop(err));
    done.future().onComplete(ar -> releaseAll());
    round();
    return done.future();
  }

  /** Ends the pump from outside a round: the client went away or stalled. */
  private void stop(Throwable err) {
    reader.cancel();
    if (!reading) {
      reader.close();
    }
    done.tryFail(err);
  }

  private void releaseAll() {
    if (pending != null) {
      pending.abandon();
      pending = null;
    }
    if (stallTimer >= 0) {
      vertx.cancelTimer(stallTimer);
      stallTimer = -1;
    }
    budget.release(held);
    held = 0;
  }

  private void round() {
    SendBudget.Reservation r = budget.reserve(PieceReader.ROUND_BYTES);
    pending = r;
    r.granted().onSuccess(v -> {
      pending = null;
      held += PieceReader.ROUND_BYTES;
      if (done.future().isComplete()) {
        releaseAll();
      } else {
        read();
      }
    });
  }

  private void read() {
    reading = true;
    vertx.executeBlocking(reader::round, false).onComplete(ar -> {
      reading = false;
      if (ar.failed()) {
        done.tryFail(ar.cause());
        return;
      }
      if (reader.cancelled() || done.future().isComplete()) {
        reader.close();
        return;
      }
      if (!ar.result().served().isEmpty()) {
        // not awaited: queued to the scan cache before anything the worker can send after this stream ends
        served.accept(ar.result().served());
      }
      long sent = 0;
      Future<Void> written;
      try {
        List<GrpcMessage> messages = new ArrayList<>(ar.result().pieces().size());
        for (PieceReader.Piece p : ar.result().pieces()) {
          messages.add(toMessage.apply(p));
          sent += p.data().length;
        }
        written = BatchedWrites.write(resp, messages);
      } catch (IllegalStateException closed) {
        reader.close();
        done.tryFail(closed);
        return;
      }
      metrics.bytesSent("grpc", sent);
      budget.release(held - sent); // what the round reserved beyond what it read
      held = sent;
      if (written.isComplete() && !resp.writeQueueFull()) {
        next();
        return;
      }
      watchStall(System.nanoTime());
      // a round written as one buffer leaves the write queue short: its own write is the one to wait for
      waiting = true;
      written.onComplete(w -> {
        if (resp.writeQueueFull()) {
          resp.drainHandler(v -> drained());
        } else {
          drained();
        }
      });
    });
  }

  /** The round is out: on with the next, once (a drain handler left from an earlier round must not run it twice). */
  private void drained() {
    if (!waiting) {
      return;
    }
    waiting = false;
    resp.drainHandler(null);
    vertx.cancelTimer(stallTimer);
    stallTimer = -1;
    next();
  }

  /**
   * Cancels the stream when its client takes nothing for {@code sync.grpc.stallTimeout}, or for
   * {@link #CONTENDED_STALL_MS} while other streams wait for budget or are refused a slot: a stalled
   * stream must not keep honest ones waiting for the whole stall timeout.
   */
  private void watchStall(long since) {
    long stall = stallMs.getAsLong();
    long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since);
    long next = Math.max(1, Math.min(stall - waited, CONTENDED_STALL_MS));
    stallTimer = vertx.setTimer(next, id -> {
      stallTimer = -1;
      long total = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since);
      if (total >= stall || contended.getAsBoolean()) {
        stop(new StalledStreamException(total));
        resp.cancel();
      } else {
        watchStall(since);
      }
    });
  }

  /** The client took the last round (or has room for it): on with the next, or end. */
  private void next() {
    budget.release(held);
    held = 0;
    if (done.future().isComplete()) {
      return;
    }
    if (reader.finished()) {
      resp.end().onComplete(done);
    } else {
      round();
    }
  }

  /** A client that took nothing of its stream for {@code sync.grpc.stallTimeout}: its stream is reset. */
  static final class StalledStreamException extends RuntimeException {
    StalledStreamException(long ms) {
      super("the client took nothing for " + ms + " ms; stream cancelled", null, false, false);
    }
  }
}
