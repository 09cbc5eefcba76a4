package dev.syncnode.worker.fetch;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;

/**
 * Wraps the temp file a download writes into and remembers the first failed write (disk full, I/O
 * error). Transports ignore the futures of their {@code write} calls, and an {@code AsyncFile}
 * reports a failed write only through that future, so without this a full disk would surface later
 * as a confusing hash mismatch.
 */
public final class RecordingWriteStream implements WriteStream<Buffer> {
  private final WriteStream<Buffer> delegate;
  private final java.util.function.LongConsumer written;
  private volatile Throwable failure;

  /** @param written told the size of each buffer written (progress) */
  public RecordingWriteStream(WriteStream<Buffer> delegate, java.util.function.LongConsumer written) {
    this.delegate = delegate;
    this.written = written;
    delegate.exceptionHandler(this::record);
  }

  /** The first write failure, or null. */
  public Throwable failure() {
    return failure;
  }

  private void record(Throwable t) {
    if (failure == null) {
      failure = t;
    }
  }

  @Override
  public Future<Void> write(Buffer data) {
    written.accept(data.length());
    return delegate.write(data).onFailure(this::record);
  }

  @Override
  public Future<Void> end() {
    return delegate.end().onFailure(this::record);
  }

  @Override
  public boolean writeQueueFull() {
    return delegate.writeQueueFull();
  }

  @Override
  public WriteStream<Buffer> setWriteQueueMaxSize(int maxSize) {
    delegate.setWriteQueueMaxSize(maxSize);
    return this;
  }

  @Override
  public WriteStream<Buffer> drainHandler(Handler<Void> handler) {
    delegate.drainHandler(handler);
    return this;
  }

  @Override
  public WriteStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
    delegate.exceptionHandler(t -> {
      record(t);
      if (handler != null) {
        handler.handle(t);
      }
    });
    return this;
  }
}
