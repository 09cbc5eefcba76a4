package dev.syncnode.master;

import dev.syncnode.bus.Addresses;
import dev.syncnode.bus.Codecs;
import dev.syncnode.delta.BlockIndex;
import dev.syncnode.master.content.PieceReader;
import dev.syncnode.master.scan.ScanException;
import dev.syncnode.master.scan.ScanReply;
import dev.syncnode.master.scan.ScanRequest;
import dev.syncnode.master.scan.ServedFile;
import dev.syncnode.master.scan.ServedFiles;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * {@link MasterService} as requests over the local event bus; messages pass by reference (local
 * codecs), so piece bytes and open files are never copied. Content requests have no practical
 * timeout: an open file in a late reply would leak, and a block index of a big file takes long.
 */
final class EventBusMasterService implements MasterService {
  private static final DeliveryOptions CONTENT =
      new DeliveryOptions().setLocalOnly(true).setSendTimeout(TimeUnit.DAYS.toMillis(1));
  private static final DeliveryOptions NOTICE = new DeliveryOptions().setLocalOnly(true);

  private final Vertx vertx;
  private final LongSupplier scanTimeoutMs;

  EventBusMasterService(Vertx vertx, LongSupplier scanTimeoutMs) {
    this.vertx = vertx;
    this.scanTimeoutMs = scanTimeoutMs;
    Codecs.register(vertx, MESSAGE_TYPES);
  }

  @Override
  public Future<ScanReply> scan(ScanRequest request) {
    return request(Addresses.CACHE_SCAN, request,
        new DeliveryOptions().setLocalOnly(true).setSendTimeout(scanTimeoutMs.getAsLong()));
  }

  @Override
  public Future<SpiderList> spiders() {
    return request(Addresses.MASTER_SPIDERS, null, CONTENT);
  }

  @Override
  public Future<OpenedFile> open(FileRequest request) {
    return request(Addresses.MASTER_OPEN, request, CONTENT);
  }

  @Override
  public Future<PieceReader> pieces(PieceRequest request) {
    return request(Addresses.MASTER_PIECES, request, CONTENT);
  }

  @Override
  public Future<BlockIndex> blockHashes(BlockHashRequest request) {
    return request(Addresses.MASTER_BLOCK_HASHES, request, CONTENT);
  }

  @Override
  public Future<Void> served(List<ServedFile> files) {
    // a request, not a send: the caller may wait until the cache is up to date before it ends a download
    return request(Addresses.CACHE_SERVED, new ServedFiles(files), NOTICE).<Void>mapEmpty().recover(err -> Future.succeededFuture());
  }

  private <T> Future<T> request(String address, Object body, DeliveryOptions options) {
    return vertx.eventBus().<T>request(address, body, options).map(Message::body)
        .recover(EventBusMasterService::failure);
  }

  /** A failure the master answered with a kind becomes that {@link ScanException} again. */
  private static <T> Future<T> failure(Throwable err) {
    if (err instanceof ReplyException re && re.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
      ScanException.Kind kind = ScanException.Kind.fromCode(re.failureCode());
      if (kind.code == re.failureCode()) {
        return Future.failedFuture(new ScanException(kind, re.getMessage()));
      }
    }
    return Future.failedFuture(err);
  }
}
