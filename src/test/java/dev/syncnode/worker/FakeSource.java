package dev.syncnode.worker;

import dev.syncnode.delta.BlockHashes;
import dev.syncnode.delta.BlockIndex;
import dev.syncnode.manifest.FileEntry;
import dev.syncnode.manifest.Manifest;
import dev.syncnode.manifest.ManifestDigest;
import dev.syncnode.piece.FilePiece;
import dev.syncnode.piece.PieceCodec.Codec;
import dev.syncnode.transport.SyncSource;
import dev.syncnode.transport.TransferSource;
import dev.syncnode.transport.TransportException.Kind;
import dev.syncnode.transport.TransportException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * An in-memory master for unit tests of the worker: one spider whose files are a {@code Map<path,
 * bytes>}, served through {@link SyncSource} and (unless {@link #withoutTransfers}) {@link
 * TransferSource}, with back-pressure, no sockets. The manifest is built with the real manifest
 * classes. Counts what it serves, and can serve a file with one byte flipped.
 */
public final class FakeSource implements SyncSource, TransferSource {
  static final int CHUNK = 64 * 1024;
  static final long MTIME = 1_700_000_000_000L;

  private final Vertx vertx;
  private final String spiderId;
  private final Path scratch;
  private final Map<String, byte[]> files = new TreeMap<>();
  private final Set<String> corrupt = new HashSet<>();
  private boolean transfers = true;
  /** Block size of the block hashes served; 0: the default for the file's size. */
  private int blockSize;
  /** Content bytes served, by any call. */
  public final AtomicLong served = new AtomicLong();
  /** Calls, as "scan", "download path offset", "range path offset length", "files n", "blocks path". */
  public final List<String> calls = new ArrayList<>();

  /** @param scratch a directory for the block hashes' computation (it reads files) */
  public FakeSource(Vertx vertx, String spiderId, Path scratch) {
    this.vertx = vertx;
    this.spiderId = spiderId;
    this.scratch = scratch;
  }

  /** Runs {@code op} on a Vert.x event loop and waits for its result (its failure is thrown). */
  public static <T> T onLoop(Vertx vertx, Supplier<Future<T>> op) throws Exception {
    Promise<T> done = Promise.promise();
    vertx.getOrCreateContext().runOnContext(v -> op.get().onComplete(done));
    try {
      return done.future().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception ex ? ex : e;
    }
  }

  public static byte[] random(long seed, int n) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  public FakeSource put(String path, byte[] content) {
    files.put(path, content);
    return this;
  }

  public FakeSource remove(String path) {
    files.remove(path);
    return this;
  }

  /** Serves {@code path} with its middle byte flipped; the manifest and block hashes keep the true ones. */
  public FakeSource corrupt(String path) {
    corrupt.add(path);
    return this;
  }

  /** Only {@link #download}, as over HTTP. */
  /** Serves block hashes in blocks of {@code size} bytes instead of the default for the file's size. */
  public FakeSource blockSize(int size) {
    this.blockSize = size;
    return this;
  }

  public FakeSource withoutTransfers() {
    transfers = false;
    return this;
  }

  public static String sha256(byte[] b) {
    return HexFormat.of().formatHex(ManifestDigest.sha256().digest(b));
  }

  public FileEntry entry(String path) {
    byte[] b = files.get(path);
    return FileEntry.file(path, b.length, 0644, MTIME, sha256(b));
  }

  public Manifest manifest() {
    List<FileEntry> entries = new ArrayList<>();
    Set<String> dirs = new TreeSet<>();
    for (String path : files.keySet()) {
      entries.add(entry(path));
      for (int i = path.indexOf('/'); i > 0; i = path.indexOf('/', i + 1)) {
        dirs.add(path.substring(0, i));
      }
    }
    dirs.forEach(d -> entries.add(FileEntry.dir(d, 0755, MTIME)));
    return Manifest.of(spiderId, "", entries);
  }

  @Override
  public String name() {
    return transfers ? "grpc" : "http";
  }

  @Override
  public Future<Manifest> scan(String spiderId, String path) {
    calls.add("scan");
    return known(spiderId).map(v -> manifest());
  }

  @Override
  public TransferSource transfers() {
    return transfers ? this : null;
  }

  @Override
  public Future<Long> download(String spiderId, String path, long offset, long expectedSize,
      WriteStream<Buffer> sink) {
    calls.add("download " + path + " " + offset);
    return content(spiderId, path)
        .compose(b -> pump(b, offset, b.length, sink, (from, to) -> Buffer.buffer(Arrays.copyOfRange(b, from, to))))
        .map(n -> (long) n);
  }

  @Override
  public Future<Void> files(String spiderId, List<String> paths, boolean compress, WriteStream<FilePiece> sink) {
    calls.add("files " + paths.size());
    Future<Integer> chain = Future.succeededFuture(0);
    for (int i = 0; i < paths.size(); i++) {
      int index = i;
      String path = paths.get(i);
      chain = chain.compose(x -> content(spiderId, path)).compose(b -> pump(b, 0, b.length, sink,
          (from, to) -> piece(index, b, from, to, to == b.length)));
    }
    return chain.mapEmpty();
  }

  @Override
  public Future<Void> range(String spiderId, String path, long offset, long length, long expectedFileSize,
      boolean compress, WriteStream<FilePiece> sink) {
    calls.add("range " + path + " " + offset + " " + length);
    return content(spiderId, path).compose(b -> {
      if (b.length != expectedFileSize) {
        return Future.failedFuture(new TransportException(Kind.INTEGRITY, path + " has another size now"));
      }
      int end = (int) (length == 0 ? b.length : offset + length);
      return pump(b, offset, end, sink, (from, to) -> piece(0, b, from, to, to == end)).mapEmpty();
    });
  }

  @Override
  public Future<BlockHashes> blockHashes(String spiderId, String path, int[] groups) {
    calls.add("blocks " + path);
    return known(spiderId).map(v -> files.get(path)).compose(b -> vertx.executeBlocking(() -> {
      Path file = Files.write(Files.createTempFile(scratch, "blocks", ".bin"), b);
      BlockIndex idx;
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
        idx = blockSize == 0 ? BlockIndex.compute(ch, b.length, true)
            : BlockIndex.compute(ch, b.length, blockSize, BlockIndex.DEFAULT_GROUP_SIZE, true);
      }
      Files.delete(file);
      return hashes(idx, groups == null ? new int[0] : groups);
    }, false));
  }

  private static BlockHashes hashes(BlockIndex idx, int[] groups) {
    long[] groupHashes = new long[groups.length == 0 ? idx.groupCount() : 0];
    for (int g = 0; g < groupHashes.length; g++) {
      groupHashes[g] = idx.groupHash(g);
    }
    List<Long> strong = new ArrayList<>();
    List<Integer> weak = new ArrayList<>();
    for (int g : groups) {
      for (int blk = g * idx.groupSize(); blk < Math.min(idx.blockCount(), (g + 1) * idx.groupSize()); blk++) {
        strong.add(idx.strong(blk));
        weak.add(idx.weak(blk));
      }
    }
    return new BlockHashes(idx.fileSize(), idx.fileHash(), idx.blockSize(), idx.groupSize(), groupHashes, groups,
        strong.stream().mapToLong(Long::longValue).toArray(), weak.stream().mapToInt(Integer::intValue).toArray(),
        8L * (groupHashes.length + strong.size()));
  }

  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }

  private Future<Void> known(String id) {
    return spiderId.equals(id) ? Future.succeededFuture()
        : Future.failedFuture(new TransportException(Kind.NOT_FOUND, "unknown spider " + id));
  }

  /** What is served for {@code path}: its bytes, one flipped when it is corrupt. */
  private Future<byte[]> content(String id, String path) {
    byte[] b = files.get(path);
    if (b == null) {
      return known(id).compose(v -> Future.failedFuture(new TransportException(Kind.NOT_FOUND, "no " + path)));
    }
    if (corrupt.contains(path) && b.length > 0) {
      b = b.clone();
      b[b.length / 2] ^= 1;
    }
    return known(id).map(b);
  }

  private static FilePiece piece(int index, byte[] b, int from, int to, boolean eof) {
    return new FilePiece(index, from, ByteBuffer.wrap(Arrays.copyOfRange(b, from, to)).asReadOnlyBuffer(),
        Codec.NONE, to - from, b.length, eof);
  }

  /** Writes {@code [from, to)} in chunks, pausing while the sink's queue is full; at least one (maybe empty) chunk. */
  private <T> Future<Integer> pump(byte[] b, long from, int to, WriteStream<T> sink,
      BiFunction<Integer, Integer, T> chunk) {
    Promise<Integer> done = Promise.promise();
    int[] at = {(int) from};
    boolean[] first = {true};
    Runnable[] step = new Runnable[1];
    step[0] = () -> {
      while (at[0] < to || first[0]) {
        if (sink.writeQueueFull()) {
          sink.drainHandler(v -> step[0].run());
          return;
        }
        int n = Math.min(CHUNK, to - at[0]);
        first[0] = false;
        sink.write(chunk.apply(at[0], at[0] + n));
        served.addAndGet(n);
        at[0] += n;
      }
      done.complete(to - (int) from);
    };
    step[0].run();
    return done.future();
  }
}
