package dev.syncnode.transport.http.server;

import dev.syncnode.manifest.FileEntry;
import dev.syncnode.manifest.Manifest;
import dev.syncnode.transport.http.ClientGoneException;
import dev.syncnode.transport.http.ManifestJson;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpServerResponse;
import java.util.List;

/**
 * Writes a manifest as a chunked JSON response in batches of entries, pausing while the
 * connection's write queue is full. Memory per response stays at one batch, whatever the size of
 * the manifest; a cut connection leaves the client with an unterminated chunked body and an
 * incomplete JSON document, never a shorter valid one.
 */
final class ManifestJsonWriter {
  /** Entries per written piece. */
  static final int BATCH = 256;

  private final HttpServerResponse resp;
  private final List<FileEntry> entries;
  private final Promise<Void> done = Promise.promise();
  private int next;

  private ManifestJsonWriter(HttpServerResponse resp, Manifest manifest) {
    this.resp = resp;
    this.entries = manifest.entries();
  }

  /** Completes when the last byte is handed to the connection, fails if the client went away. */
  static Future<Void> write(HttpServerResponse resp, Manifest manifest) {
    if (resp.closed()) {
      return Future.failedFuture(new ClientGoneException());
    }
    ManifestJsonWriter w = new ManifestJsonWriter(resp, manifest);
    resp.setStatusCode(200).setChunked(true).putHeader("Content-Type", HttpReplies.JSON);
    resp.write(ManifestJson.head(manifest));
    w.pump();
    return w.done.future();
  }

  private void pump() {
    while (next < entries.size()) {
      if (resp.closed()) {
        done.tryFail(new ClientGoneException());
        return;
      }
      int end = Math.min(entries.size(), next + BATCH);
      StringBuilder piece = new StringBuilder(BATCH * 200);
      for (int i = next; i < end; i++) {
        if (i > 0) {
          piece.append(',');
        }
        piece.append(ManifestJson.entry(entries.get(i)).encode());
      }
      next = end;
      resp.write(piece.toString());
      if (resp.writeQueueFull()) {
        resp.drainHandler(v -> pump());
        return;
      }
    }
    resp.drainHandler(null);
    resp.end(ManifestJson.TAIL).onComplete(done);
  }
}
