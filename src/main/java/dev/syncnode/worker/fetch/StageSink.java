package dev.syncnode.worker.fetch;

import dev.syncnode.manifest.FileEntry;
import dev.syncnode.piece.FilePiece;
import dev.syncnode.piece.PieceCodec.Codec;
import dev.syncnode.piece.PieceCodec;
import dev.syncnode.transport.TransportException.Kind;
import dev.syncnode.transport.TransportException;
import dev.syncnode.worker.IoReason;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * Moves pieces from a transport into {@link StagedFile}s, off the event loop: pieces queue up on the
 * event loop and one blocking task at a time decodes and writes them, in arrival order. While more than
 * {@link #MAX_PENDING} bytes wait, {@link #writeQueueFull()} is true and the transport pauses, so memory
 * stays bounded whatever the file sizes. A sink may be {@link #hold held}: it queues until released,
 * which lets a delta fetch ranges ahead while it writes them in file order.
 *
 * <p>A failed slot (wrong offset, bad compressed data, too many bytes, hash mismatch, local write
 * error) has its file {@linkplain StagedFile#discard discarded} and its further pieces ignored; the
 * stream is abandoned, the other slots keep what they completed.
 */
final class StageSink implements WriteStream<FilePiece> {
  static final int MAX_PENDING = 2 * 1024 * 1024;

  /** Opens the file a slot writes into, on first use (on a worker thread). */
  interface Opener {
    StagedFile open() throws IOException;
  }

  /**
   * Where the pieces of one index go: into the file {@code open} gives, up to byte {@code end}; with
   * {@code finish} the file is the slot's own, and verified against the manifest once it is full.
   */
  record Slot(FileEntry entry, Opener open, long end, boolean finish) {
    static Slot whole(StagedFile f) {
      return new Slot(f.entry(), () -> f, f.entry().size(), true);
    }

    /** A new file at {@code file}, created when its first piece arrives. */
    static Slot fresh(FileEntry entry, Path file) {
      return new Slot(entry, () -> StagedFile.create(entry, file), entry.size(), true);
    }

    /** Part of a file another owner finishes (a delta's range). */
    static Slot range(StagedFile f, long end) {
      return new Slot(f.entry(), () -> f, end, false);
    }
  }

  private final Vertx vertx;
  private final List<Slot> slots;
  private final LongConsumer received;
  private final StagedFile[] files;
  private final boolean[] done;
  private final Throwable[] failed;
  private List<FilePiece> pending = new ArrayList<>();
  private long pendingBytes;
  private boolean flushing;
  private boolean held;
  private Handler<Void> drainHandler;
  private Promise<Void> ended;
  private volatile Throwable firstFailure;

  StageSink(Vertx vertx, List<Slot> slots, LongConsumer received) {
    this.vertx = vertx;
    this.slots = slots;
    this.received = received;
    this.files = new StagedFile[slots.size()];
    this.done = new boolean[slots.size()];
    this.failed = new Throwable[slots.size()];
  }

  /** Queues without writing until {@link #release()}. */
  StageSink hold() {
    held = true;
    return this;
  }

  void release() {
    held = false;
    flush();
  }

  /** Drops what is queued and refuses what comes, so the transport's next write fails and it stops. */
  void abandon(Throwable why) {
    if (firstFailure == null) {
      firstFailure = why;
    }
    held = false;
    pending.clear();
    pendingBytes = 0;
    Handler<Void> drain = drainHandler;
    drainHandler = null;
    if (drain != null) {
      drain.handle(null);
    }
  }

  @Override
  public Future<Void> write(FilePiece piece) {
    if (ended != null) {
      return Future.failedFuture(new IllegalStateException("sink ended"));
    }
    if (firstFailure != null) {
      return Future.failedFuture(firstFailure);
    }
    if (piece.index() < 0 || piece.index() >= slots.size()) {
      return Future.failedFuture(new TransportException(Kind.PROTOCOL, "piece for unknown file #" + piece.index()));
    }
    received.accept(piece.data().remaining());
    pending.add(piece);
    pendingBytes += piece.data().remaining();
    flush();
    return Future.succeededFuture();
  }

  /** This sink as a stream of plain bytes for slot 0 from {@code offset} on (a {@code SyncSource.download}). */
  WriteStream<Buffer> bytes(long offset) {
    long[] at = {offset};
    StageSink sink = this;
    return new WriteStream<>() {
      @Override
      public Future<Void> write(Buffer b) {
        ByteBuffer data = ByteBuffer.wrap(b.getBytes());
        FilePiece p = new FilePiece(0, at[0], data, Codec.NONE, data.remaining(), -1, false);
        at[0] += data.remaining();
        return sink.write(p);
      }

      @Override
      public Future<Void> end() {
        return sink.end();
      }

      @Override
      public boolean writeQueueFull() {
        return sink.writeQueueFull();
      }

      @Override
      public WriteStream<Buffer> drainHandler(Handler<Void> handler) {
        sink.drainHandler(handler);
        return this;
      }

      @Override
      public WriteStream<Buffer> setWriteQueueMaxSize(int maxSize) {
        return this;
      }

      @Override
      public WriteStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
        return this;
      }
    };
  }

  @Override
  public boolean writeQueueFull() {
    return pendingBytes >= MAX_PENDING;
  }

  @Override
  public WriteStream<FilePiece> drainHandler(Handler<Void> handler) {
    this.drainHandler = handler;
    return this;
  }

  @Override
  public WriteStream<FilePiece> setWriteQueueMaxSize(int maxSize) {
    return this;
  }

  @Override
  public WriteStream<FilePiece> exceptionHandler(Handler<Throwable> handler) {
    return this;
  }

  /** Completes once every queued piece is written and the slots' own unfinished files are closed (kept). */
  @Override
  public Future<Void> end() {
    if (ended == null) {
      ended = Promise.promise();
      held = false;
      if (!flushing && pending.isEmpty()) {
        closeAll();
      } else {
        flush();
      }
    }
    return ended.future();
  }

  /** After {@link #end()}: slot {@code i}'s bytes are all written (and, for its own file, verified). */
  boolean done(int i) {
    return done[i];
  }

  /** The first slot failure, else {@code transport}'s failure, else null. */
  Throwable failure(Throwable transport) {
    return firstFailure != null ? firstFailure : transport;
  }

  /**
   * Ends the sink after the transport's call for slot 0 ({@code call}) completed: succeeds when the slot
   * is done, else fails with the slot's failure, the call's, or "{@code what} ended early".
   */
  Future<Void> settle(AsyncResult<?> call, String what) {
    return end().transform(v -> {
      if (done[0]) {
        return Future.succeededFuture();
      }
      Throwable err = failure(call.cause());
      return Future.failedFuture(err != null ? err : new TransportException(Kind.PROTOCOL, what + " ended early"));
    });
  }

  private void flush() {
    if (flushing || held || pending.isEmpty()) {
      return;
    }
    flushing = true;
    List<FilePiece> batch = pending;
    pending = new ArrayList<>();
    pendingBytes = 0;
    vertx.executeBlocking(() -> {
      for (FilePiece p : batch) {
        writeOne(p);
      }
      return null;
    }, false).onComplete(ar -> {
      flushing = false;
      if (ar.failed()) {
        for (int i = 0; i < slots.size(); i++) {
          if (!done[i] && failed[i] == null) {
            failed[i] = ar.cause();
          }
        }
      }
      Handler<Void> drain = drainHandler;
      if (drain != null && !writeQueueFull()) {
        drainHandler = null;
        drain.handle(null);
      }
      if (!pending.isEmpty()) {
        flush();
      } else if (ended != null) {
        closeAll();
      }
    });
  }

  /** Blocking: one piece into its file. */
  private void writeOne(FilePiece p) {
    int i = p.index();
    Slot s = slots.get(i);
    if (done[i] || failed[i] != null) {
      if (done[i] && failed[i] == null && (p.rawSize() > 0 || !p.eof())) {
        fail(i, new TransportException(Kind.PROTOCOL, "data after the end of " + path(i)));
      }
      return;
    }
    try {
      if (files[i] == null) {
        files[i] = s.open().open();
      }
      StagedFile f = files[i];
      if (p.offset() != f.position()) {
        throw new TransportException(Kind.PROTOCOL, "piece of " + path(i) + " at offset " + p.offset()
            + ", expected " + f.position());
      }
      if (p.offset() + p.rawSize() > s.end()) {
        throw new TransportException(Kind.INTEGRITY, path(i) + ": master sent more than the manifest size of "
            + s.entry().size() + " bytes");
      }
      f.write(decode(p));
      if (f.position() == s.end()) {
        if (s.finish()) {
          f.finish();
        }
        done[i] = true;
      } else if (p.eof()) {
        throw new TransportException(Kind.INTEGRITY, "hash mismatch for " + path(i) + ": it ended after "
            + f.position() + " bytes, expected " + s.end() + "; not installed");
      }
    } catch (IllegalArgumentException e) {
      fail(i, new TransportException(Kind.INTEGRITY, "bad compressed piece of " + path(i) + ": " + e.getMessage(), e));
    } catch (TransportException e) {
      fail(i, e);
    } catch (IOException e) {
      fail(i, new TransportException(Kind.LOCAL_IO, "cannot write " + path(i) + ": " + IoReason.of(e), e));
    } catch (RuntimeException e) {
      fail(i, new TransportException(Kind.LOCAL_IO, "cannot write " + path(i) + ": " + e, e));
    }
  }

  private static ByteBuffer decode(FilePiece p) {
    if (p.codec() != Codec.NONE) {
      return ByteBuffer.wrap(PieceCodec.decompress(p.codec(), p.data(), p.rawSize()));
    }
    if (p.data().remaining() != p.rawSize()) {
      throw new TransportException(Kind.PROTOCOL, "piece length does not match its size");
    }
    return p.data().duplicate();
  }

  private String path(int i) {
    return slots.get(i).entry().path();
  }

  private void fail(int i, Throwable err) {
    failed[i] = err;
    if (firstFailure == null) {
      firstFailure = err;
    }
    if (slots.get(i).finish() && files[i] != null) {
      files[i].discard(err);
    }
  }

  private void closeAll() {
    vertx.executeBlocking(() -> {
      for (int i = 0; i < files.length; i++) {
        if (files[i] != null && slots.get(i).finish() && !done[i]) {
          files[i].close();
        }
      }
      return null;
    }, false).onComplete(ar -> ended.tryComplete());
  }
}
