package dev.syncnode.worker.fetch;

import dev.syncnode.manifest.FileEntry;
import dev.syncnode.transport.SyncSource;
import dev.syncnode.transport.TransferSource;
import dev.syncnode.transport.TransportException.Kind;
import dev.syncnode.transport.TransportException;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One file downloaded whole into {@code <tmp>/<hash>.part}, resuming what an earlier attempt left
 * there: through the transfer call (compressed where it pays) when the transport has one, else the
 * plain {@link SyncSource#download}.
 */
final class Whole {
  private static final Logger LOG = LoggerFactory.getLogger(Whole.class);

  private final Staging staging;

  Whole(Staging staging) {
    this.staging = staging;
  }

  /** @return the verified temp file */
  Future<Path> fetch(SyncSource src, FileEntry f) {
    return staging.blocking(() -> StagedFile.resume(f, staging.part(f))).compose(file -> fetchRest(src, file));
  }

  private Future<Path> fetchRest(SyncSource src, StagedFile file) {
    FileEntry f = file.entry();
    long have = file.position();
    if (have > 0 && have < f.size()) {
      LOG.info("sync {}: resuming {} at byte {} of {}", staging.spiderId, f.path(), have, f.size());
    }
    staging.progress().partial(have);
    if (file.full()) {
      return staging.blocking(file::finish);
    }
    StageSink sink = staging.sink(List.of(StageSink.Slot.whole(file)));
    TransferSource t = src.transfers();
    if (t != null) {
      return t.range(staging.spiderId, f.path(), have, 0, f.size(), staging.compress, sink)
          .transform(ar -> sink.settle(ar, "download of " + f.path()))
          .recover(err -> giveUp(file, err))
          .map(file.path());
    }
    return src.download(staging.spiderId, f.path(), have, f.size(), sink.bytes(have))
        .transform(ar -> sink.end().transform(v -> settlePlain(sink, file, ar)));
  }

  /** A plain download that ended without error but short is a size mismatch: INTEGRITY, as a wrong hash. */
  private Future<Path> settlePlain(StageSink sink, StagedFile file, AsyncResult<Long> call) {
    if (sink.done(0)) {
      return Future.succeededFuture(file.path());
    }
    Throwable err = sink.failure(call.cause());
    if (err != null) {
      return giveUp(file, err);
    }
    return staging.blocking(file::finish);
  }

  /**
   * Closes the file after a failure. After INTEGRITY (more bytes than the manifest says, or the master's
   * file has another size now) its bytes cannot be trusted: deleted, the retry starts from zero. Other
   * failures keep the prefix for resuming.
   */
  private <T> Future<T> giveUp(StagedFile file, Throwable err) {
    return staging.blocking(() -> {
      if (TransportException.kindOf(err) == Kind.INTEGRITY) {
        file.discard(err);
      } else {
        file.close();
      }
      return null;
    }).transform(ar -> Future.failedFuture(err));
  }
}
