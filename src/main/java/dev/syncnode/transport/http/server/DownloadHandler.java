package dev.syncnode.transport.http.server;

import dev.syncnode.fs.ConfinedFile;
import dev.syncnode.master.MasterService.OpenedFile;
import dev.syncnode.master.MasterService;
import dev.syncnode.master.scan.ServedFile;
import dev.syncnode.metrics.SyncMetrics;
import dev.syncnode.transport.http.ClientGoneException;
import dev.syncnode.transport.http.HttpStatusException;
import dev.syncnode.transport.http.ManifestJson;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * {@code GET /api/sync/{spiderId}/download?path=}: streams one file of a spider. The master
 * ({@link MasterService#open}) opens the file once and checks it (id, normalised path, ignore rules, a
 * regular file whose real path is inside the spider root); its size, ETag hash, gzip probe and bytes
 * all come from that one open file (the bytes through an {@link AsyncFile} on
 * {@link ConfinedFile#servePath}, piped with back-pressure), which stays open until the
 * response ends: a name swapped for a symlink or a FIFO meanwhile changes nothing. Headers:
 * {@code ETag} (the quoted SHA-256 of the content, one hash per file version), {@code Content-Length},
 * {@code Accept-Ranges: bytes}; a {@code Range} of {@code bytes=N-}, {@code N-M} or {@code -S}
 * answers 206 with {@code Content-Range}, an unsatisfiable one 416. A whole-file answer is gzipped
 * when the client accepts it and the content compresses; partial answers never are.
 *
 * <p>Why the ETag is hashed here rather than taken from the cached manifest: the manifest may be up
 * to {@code grpcCacheTtl} old and may not be cached at all (a download must not trigger a whole
 * spider scan), while the ETag must describe the bytes actually served. The memo makes it one hash
 * per file version, shared by concurrent downloads.
 */
public record DownloadHandler(Vertx vertx, MasterService master, SyncMetrics metrics, Throttled throttled)
    implements Handler<RoutingContext> {
  public static final String OCTET_STREAM = ManifestJson.OCTET_STREAM;
  static final String TRANSPORT = "http";
  static final int READ_BUFFER = 64 * 1024;

  /** Tests only: runs with the real path between the check and hash of a file and the serving of its bytes. */
  static volatile Consumer<Path> beforeServe;

  @Override
  public void handle(RoutingContext ctx) {
    String spiderId = RequestParams.spiderId(ctx);
    String path = RequestParams.path(ctx);
    if (path.isEmpty()) {
      throw HttpStatusException.badRequest("path is required");
    }
    boolean gzip = acceptsGzip(ctx.request().getHeader("Accept-Encoding")) && ctx.request().getHeader("Range") == null;
    throttled.run(ctx, HttpThrottle.Endpoint.DOWNLOAD, () -> master
        .open(new MasterService.FileRequest(spiderId, path, gzip))
        .compose(opened -> send(ctx, opened, () -> served(spiderId, path, opened.file()))
            .onComplete(ar -> opened.close())));
  }

  /** Tells the master the file's size and mtime now (its fstat, off the event loop); never fails. */
  private Future<Void> served(String spiderId, String path, ConfinedFile file) {
    return vertx.executeBlocking(() -> ServedFile.of(spiderId, path, file.current()), false)
        .compose(master::served)
        .recover(err -> Future.succeededFuture());
  }

  /** {@code beforeEnd}: runs once every byte is out, before the response ends (stale-cache check). */
  private Future<Void> send(RoutingContext ctx, OpenedFile served, Supplier<Future<Void>> beforeEnd) {
    long size = served.identity().size();
    String etag = '"' + served.sha256() + '"';
    HttpServerResponse resp = ctx.response();
    resp.putHeader("ETag", etag).putHeader("Accept-Ranges", "bytes");
    String rangeHeader = ctx.request().getHeader("Range");
    String ifRange = ctx.request().getHeader("If-Range");
    if (ifRange != null && !ifRange.trim().equals(etag)) {
      rangeHeader = null; // the client's partial copy is of another version: send it all
    }
    ByteRange range = ByteRange.parse(rangeHeader, size);
    if (range == null) {
      resp.putHeader("Content-Range", "bytes */" + size);
      return Future.failedFuture(new HttpStatusException(416,
          "range not satisfiable: " + rangeHeader + " for a file of " + size + " bytes"));
    }
    Consumer<Path> hook = beforeServe;
    if (hook != null) {
      hook.accept(served.identity().path());
    }
    // the checked open file itself (/proc/self/fd/N), not its name again
    return vertx.fileSystem().open(served.file().servePath().toString(), new OpenOptions().setRead(true))
        .compose(af -> pipe(resp, af, range, size, served.compressible(), beforeEnd));
  }

  private Future<Void> pipe(HttpServerResponse resp, AsyncFile file, ByteRange range, long size,
      boolean compressible, Supplier<Future<Void>> beforeEnd) {
    if (resp.closed()) {
      file.close();
      return Future.failedFuture(new ClientGoneException());
    }
    resp.setStatusCode(range.partial() ? 206 : 200)
        .putHeader("Content-Type", OCTET_STREAM)
        .putHeader("Content-Length", Long.toString(range.length()));
    if (range.partial() || !compressible) {
      // ranges count bytes of the file itself, and incompressible content only costs CPU to gzip
      resp.putHeader("Content-Encoding", "identity");
    }
    if (range.partial()) {
      resp.putHeader("Content-Range", range.contentRange(size));
    }
    file.setReadPos(range.start()).setReadLength(range.length()).setReadBufferSize(READ_BUFFER);
    return file.pipe().endOnComplete(false).to(resp)
        .compose(v -> beforeEnd.get())
        .compose(v -> finish(resp, range))
        .onComplete(ar -> {
          file.close();
          metrics.bytesSent(TRANSPORT, resp.bytesWritten());
        });
  }

  static boolean acceptsGzip(String acceptEncoding) {
    return acceptEncoding != null && acceptEncoding.toLowerCase(java.util.Locale.ROOT).contains("gzip");
  }

  /** Ends a complete response; a file that shrank since it was measured gets its connection cut. */
  private static Future<Void> finish(HttpServerResponse resp, ByteRange range) {
    if (resp.bytesWritten() != range.length()) {
      resp.reset();
      return Future.failedFuture(new IllegalStateException(
          "file changed while it was sent: " + resp.bytesWritten() + " of " + range.length() + " bytes"));
    }
    return resp.end();
  }
}
