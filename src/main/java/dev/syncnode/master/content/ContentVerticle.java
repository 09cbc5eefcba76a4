package dev.syncnode.master.content;

import dev.syncnode.bus.Addresses;
import dev.syncnode.bus.Codecs;
import dev.syncnode.config.ConfigHolder;
import dev.syncnode.delta.BlockIndex;
import dev.syncnode.fs.ConfinedFile;
import dev.syncnode.fs.FileHasher;
import dev.syncnode.fs.FileIdentity;
import dev.syncnode.manifest.IgnoreRules;
import dev.syncnode.manifest.Manifest;
import dev.syncnode.master.MasterService.BlockHashRequest;
import dev.syncnode.master.MasterService.FileRequest;
import dev.syncnode.master.MasterService.OpenedFile;
import dev.syncnode.master.MasterService.PieceRequest;
import dev.syncnode.master.MasterService;
import dev.syncnode.master.SpiderFiles;
import dev.syncnode.master.SpiderPaths;
import dev.syncnode.master.UnexpectedFailure;
import dev.syncnode.master.scan.ScanException;
import dev.syncnode.piece.PieceCodec;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.eventbus.Message;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the content side of {@link MasterService}: the spider list, checked open files with their
 * hash, piece readers and block indexes, all through the one {@link ContentCache}. File opening,
 * probing and hashing run on worker threads; the cache's shared Futures complete on this verticle's
 * event loop. Block indexes are computed on a pool of {@link #INDEX_THREADS}, so a flood of
 * {@code StreamBlockHashes} calls cannot take every worker thread: the others wait first come, first
 * served, and one whose client has gone by its turn is skipped.
 */
public final class ContentVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(ContentVerticle.class);
  /** Most paths in one pieces request. */
  static final int MAX_FILES = 4096;
  /** Block-index computations running at once, for all clients. */
  static final int INDEX_THREADS = 2;

  private final ConfigHolder config;
  private final ContentCache cache = new ContentCache();
  private WorkerExecutor indexing;
  /** Block-index computations running now on worker threads, and the most ever at once (tests). */
  private final AtomicInteger hashing = new AtomicInteger();
  private final AtomicInteger hashingPeak = new AtomicInteger();

  public ContentVerticle(ConfigHolder config) {
    this.config = config;
  }

  /** The most block-index computations that ever ran at once. */
  public int blockIndexPeak() {
    return hashingPeak.get();
  }

  @Override
  public Future<?> start() {
    Codecs.register(vertx, MasterService.MESSAGE_TYPES);
    indexing = vertx.createSharedWorkerExecutor("syncnode-block-index", INDEX_THREADS);
    return Future.all(
        serve(Addresses.MASTER_SPIDERS, body -> {
          SpiderPaths paths = paths();
          return vertx.executeBlocking(() -> new MasterService.SpiderList(paths.spiders()), false);
        }),
        serve(Addresses.MASTER_OPEN, this::open),
        serve(Addresses.MASTER_PIECES, this::pieces),
        serve(Addresses.MASTER_BLOCK_HASHES, this::blockHashes),
        vertx.eventBus().<String>localConsumer(Addresses.SPIDER_CHANGED, m -> cache.changed()).completion());
  }

  @Override
  public Future<?> stop() {
    return indexing == null ? Future.succeededFuture() : indexing.close();
  }

  private <T> Future<Void> serve(String address, Function<T, Future<?>> handler) {
    return vertx.eventBus().<T>localConsumer(address, msg -> {
      Future<?> f;
      try {
        f = handler.apply(msg.body());
      } catch (RuntimeException e) {
        f = Future.failedFuture(e);
      }
      f.onSuccess(msg::reply).onFailure(err -> fail(msg, err));
    }).completion();
  }

  /** A failure the client caused keeps its kind; any other is logged here and described without detail. */
  private static void fail(Message<?> msg, Throwable err) {
    if (err instanceof ScanException se) {
      msg.fail(se.kind().code, se.getMessage());
      return;
    }
    if (!(err instanceof ClientGoneException)) {
      LOG.warn("master content request failed", err);
    }
    msg.fail(ScanException.Kind.INTERNAL.code, UnexpectedFailure.describe(err));
  }

  private SpiderPaths paths() {
    return new SpiderPaths(Path.of(config.get().node().workspace()));
  }

  private IgnoreRules ignore() {
    return config.get().sync().ignoreRules();
  }

  /** A checked open file and whether gzip pays for it. */
  private record Opened(ConfinedFile file, boolean compressible) {}

  private Future<OpenedFile> open(FileRequest r) {
    SpiderPaths paths = paths();
    IgnoreRules ignore = ignore();
    return vertx.executeBlocking(() -> {
      ConfinedFile file = openChecked(paths, ignore, r.spiderId(), r.path());
      return new Opened(file, r.probeGzip() && worthCompressing(file.channel(), r.path()));
    }, false).compose(o -> {
      FileIdentity id = FileIdentity.of(o.file().realPath(), o.file().attributes());
      return cache.hash(id, () -> vertx.executeBlocking(() -> FileHasher.sha256(o.file().channel()), false),
              () -> unchanged(o.file(), id))
          .map(hash -> new OpenedFile(o.file(), id, hash, o.compressible()))
          .onFailure(err -> SpiderFiles.closeQuietly(o.file()));
    });
  }

  private Future<PieceReader> pieces(PieceRequest r) {
    if (r.offset() < 0 || r.length() < 0) {
      return Future.failedFuture(ScanException.invalid("negative offset or length"));
    }
    if (r.paths().size() > MAX_FILES) {
      return Future.failedFuture(ScanException.invalid("too many paths in one request: " + r.paths().size()
          + " (at most " + MAX_FILES + ")"));
    }
    SpiderPaths paths = paths();
    IgnoreRules ignore = ignore();
    long changes = cache.changes(); // counted before the peek: a change after it makes the manifest suspect
    return vertx.eventBus().<Manifest>request(Addresses.CACHE_PEEK, r.spiderId())
        .map(Message::body)
        .otherwiseEmpty() // no scan cache answering: every file is opened, as it is anyway without a manifest
        .map(known -> new PieceReader(paths, ignore, r.spiderId(), r.paths(), r.offset(), r.length(), r.codec(),
            cache, known, changes));
  }

  private Future<BlockIndex> blockHashes(BlockHashRequest r) {
    SpiderPaths paths = paths();
    IgnoreRules ignore = ignore();
    return vertx.executeBlocking(() -> openChecked(paths, ignore, r.spiderId(), r.path()), false)
        .compose(file -> index(file, r.gone()).onComplete(ar -> SpiderFiles.closeQuietly(file)));
  }

  /** The cached index of the open file's version, or one computed from it (the file stays open until then). */
  private Future<BlockIndex> index(ConfinedFile file, BooleanSupplier gone) {
    FileIdentity id = FileIdentity.of(file.realPath(), file.attributes());
    return cache.index(id,
        () -> indexing.executeBlocking(() -> computeCounted(file, id.size(), gone), false),
        () -> unchanged(file, id));
  }

  /** Blocking: hashes the file, counted in {@link #blockIndexPeak()}, unless its client went away meanwhile. */
  private BlockIndex computeCounted(ConfinedFile file, long size, BooleanSupplier gone) throws IOException {
    if (gone.getAsBoolean()) {
      throw new ClientGoneException();
    }
    hashingPeak.accumulateAndGet(hashing.incrementAndGet(), Math::max);
    try {
      return BlockIndex.compute(file.channel(), size, true);
    } finally {
      hashing.decrementAndGet();
    }
  }

  /** Whether the open file is still the version {@code id}: what was computed from it may be kept. */
  private Future<Boolean> unchanged(ConfinedFile file, FileIdentity id) {
    return vertx.executeBlocking(() -> FileIdentity.of(id.path(), file.current()).equals(id), false);
  }

  /** Blocking: the file opened once and checked; it is identified, measured and hashed from that descriptor. */
  private static ConfinedFile openChecked(SpiderPaths paths, IgnoreRules ignore, String spiderId,
      String path) throws IOException {
    try (SpiderFiles spider = new SpiderFiles(paths, spiderId, ignore)) {
      return spider.open(path);
    }
  }

  /**
   * Blocking: whether gzip pays for this open file: not a known compressed format, and its first
   * 64 KiB shrink by at least 10% (the same rule, and the same cheap probe, as for gRPC pieces).
   */
  static boolean worthCompressing(FileChannel ch, String name) {
    if (PieceCodec.knownCompressed(name)) {
      return false;
    }
    try {
      ByteBuffer probe = ByteBuffer.allocate(64 * 1024);
      while (probe.hasRemaining() && ch.read(probe, probe.position()) > 0) {
        // fill the probe
      }
      return PieceCodec.deflate(probe.array(), 0, probe.position()) != null;
    } catch (IOException e) {
      return false;
    }
  }

  /** The client of a waiting computation went away before its turn. */
  private static final class ClientGoneException extends RuntimeException {
    ClientGoneException() {
      super("the client went away before its block hashes were computed", null, false, false);
    }
  }
}
