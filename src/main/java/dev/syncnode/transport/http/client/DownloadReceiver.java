package dev.syncnode.transport.http.client;

import dev.syncnode.transport.TransportException.Kind;
import dev.syncnode.transport.TransportException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.streams.WriteStream;

/**
 * Moves a download body into the sink with back-pressure (the response pauses while the sink's
 * queue is full). It first drops {@code skip} bytes (a 200 answer to a ranged request repeats the
 * bytes the worker already has), and fails with INTEGRITY as soon as the master sends more than
 * {@code limit} bytes. A lost connection fails with UNAVAILABLE; what was written stays in the sink
 * so the next attempt resumes from there.
 */
final class DownloadReceiver {
  private final String what;
  private final HttpClientResponse resp;
  private final WriteStream<Buffer> sink;
  private final long limit;
  private final Promise<Long> result = Promise.promise();
  private long skip;
  private long written;

  private DownloadReceiver(String what, HttpClientResponse resp, WriteStream<Buffer> sink, long skip, long limit) {
    this.what = what;
    this.resp = resp;
    this.sink = sink;
    this.skip = skip;
    this.limit = limit;
  }

  /** @return bytes written to the sink */
  static Future<Long> receive(String what, HttpClientResponse resp, WriteStream<Buffer> sink, long skip,
      long limit) {
    DownloadReceiver r = new DownloadReceiver(what, resp, sink, skip, limit);
    resp.handler(r::onData);
    resp.exceptionHandler(r::onError);
    resp.endHandler(v -> r.onEnd());
    return r.result.future();
  }

  private void onData(Buffer buf) {
    if (result.future().isComplete()) {
      return;
    }
    Buffer data = buf;
    if (skip > 0) {
      if (buf.length() <= skip) {
        skip -= buf.length();
        return;
      }
      data = buf.getBuffer((int) skip, buf.length());
      skip = 0;
    }
    if (written + data.length() > limit) {
      result.tryFail(new TransportException(Kind.INTEGRITY,
          what + ": master sent more than the expected " + limit + " bytes"));
      return;
    }
    written += data.length();
    sink.write(data).onFailure(err -> result.tryFail(new TransportException(Kind.LOCAL_IO,
        what + ": cannot write the download: " + err.getMessage(), err)));
    if (sink.writeQueueFull()) {
      resp.pause();
      sink.drainHandler(v -> resp.resume());
    }
  }

  private void onError(Throwable err) {
    result.tryFail(new TransportException(Kind.UNAVAILABLE,
        what + ": connection lost after " + written + " bytes (" + err.getMessage() + ")", err));
  }

  private void onEnd() {
    if (skip > 0) {
      result.tryFail(new TransportException(Kind.PROTOCOL,
          what + ": body ended before the " + skip + " bytes the worker already had"));
      return;
    }
    result.tryComplete(written);
  }
}
