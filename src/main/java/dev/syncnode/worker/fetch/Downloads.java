package dev.syncnode.worker.fetch;

import dev.syncnode.delta.BlockHashes;
import dev.syncnode.delta.BlockIndex;
import dev.syncnode.delta.DeltaPlan;
import dev.syncnode.delta.RollingMatcher;
import dev.syncnode.fs.FileHasher;
import dev.syncnode.manifest.FileEntry;
import dev.syncnode.manifest.Manifest;
import dev.syncnode.manifest.ManifestDiff;
import dev.syncnode.manifest.PathRules;
import dev.syncnode.metrics.SyncMetrics;
import dev.syncnode.transport.SyncSource;
import dev.syncnode.transport.TransferSource;
import dev.syncnode.transport.TransportException.Kind;
import dev.syncnode.transport.TransportException;
import dev.syncnode.worker.SyncRun;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gets every content a sync needs into the temp area, verified, as cheaply as it can:
 * <ol>
 *   <li><b>reuse</b>: content the destination already holds under another path (a move, a copy) is
 *   copied locally;</li>
 *   <li><b>delta</b>: a large file whose old version is at the same path is rebuilt from the old
 *   blocks plus the blocks that differ (group hashes first, then block hashes of differing groups
 *   only, then a rolling search for moved content);</li>
 *   <li><b>bulk</b>: small files travel many per stream ({@code StreamFiles});</li>
 *   <li><b>whole</b>: other large files stream alone (resuming a partial temp file), up to
 *   {@code sync.parallelDownloads} at a time.</li>
 * </ol>
 * Transports without {@link TransferSource} (HTTP) get whole-file downloads. Every file ends as
 * {@code <tmp>/<hash>.part} only after its whole-file SHA-256 matched the manifest; a delta that does
 * not verify is thrown away and the file is downloaded whole.
 */
public final class Downloads {
  private static final Logger LOG = LoggerFactory.getLogger(Downloads.class);
  /** Files at least this large go alone (delta, resume, parallel); smaller ones go in bulk. */
  static final long LARGE = 1024 * 1024;
  static final int BATCH_FILES = 512;
  static final long BATCH_BYTES = 4L * 1024 * 1024;
  static final int BULK_LANES = 2;
  /** Bulk lanes write into {@code <tmp>/bulk-<n>/}; verified files there survive a failed pass. */
  public static final String BULK_DIR_PREFIX = "bulk-";
  static final int RANGE_LANES = 4;
  /** A delta that would fetch more than this share of the file is not worth it. */
  static final double DELTA_MAX_SHARE = 0.75;

  /** Runs an operation on the current transport with retries and the gRPC-to-HTTP fallback. */
  public interface Retrier {
    public <T> Future<T> run(String what, Function<SyncSource, Future<T>> op);
  }

  /** The plain whole-file download of a {@link SyncSource} (resuming, verified). */
  public interface WholeFile {
    Future<Path> fetch(SyncSource src, FileEntry entry);
  }

  private final Vertx vertx;
  private final String spiderId;
  private final Path dest;
  private final Path tmpDir;
  private final boolean compression;
  private final int parallel;
  private final Retrier retry;
  private final WholeFile whole;
  private final LongConsumer received;
  private final SyncMetrics metrics;
  private final SyncRun.Progress progress;
  private final Map<String, Path> staged = new ConcurrentHashMap<>();
  /** How each staged content hash was obtained (a {@link SyncMetrics#TRANSFER_MODES} label). */
  private final Map<String, String> modes = new ConcurrentHashMap<>();
  /** Set by the first lane that fails: the others finish what they hold and take no more. */
  private Throwable failure;
  private int reused;
  private int deltas;

  public Downloads(Vertx vertx, String spiderId, Path dest, Path tmpDir, boolean compression, int parallel, Retrier retry,
      WholeFile whole, LongConsumer received, SyncMetrics metrics, SyncRun.Progress progress) {
    this.vertx = vertx;
    this.spiderId = spiderId;
    this.dest = dest;
    this.tmpDir = tmpDir;
    this.compression = compression;
    this.parallel = Math.max(1, parallel);
    this.retry = retry;
    this.whole = whole;
    this.received = received;
    this.metrics = metrics;
    this.progress = progress;
  }

  public int reused() {
    return reused;
  }

  int deltas() {
    return deltas;
  }

  /**
   * Counts the installed files by transfer mode, once the sync succeeded: one per path, so the counts
   * add up to the report's {@code downloaded} (paths sharing content count with the mode that content
   * came by; a file finished by an earlier, failed pass counts with the mode of that pass).
   */
  public void countTransfers(List<FileEntry> installed) {
    Map<String, Long> byMode = new HashMap<>();
    for (FileEntry f : installed) {
      byMode.merge(modes.getOrDefault(f.hash(), "whole"), 1L, Long::sum);
    }
    byMode.forEach(metrics::filesTransferred);
  }

  /** @return verified temp file per content hash */
  public Future<Map<String, Path>> run(ManifestDiff diff, Manifest local) {
    Map<String, FileEntry> needed = new LinkedHashMap<>();
    for (FileEntry f : diff.downloads()) {
      needed.putIfAbsent(f.hash(), f);
    }
    Map<String, FileEntry> localByHash = new HashMap<>();
    Map<String, FileEntry> localByPath = new HashMap<>();
    for (FileEntry e : local.entries()) {
      if (e.isFile()) {
        localByHash.putIfAbsent(e.hash(), e);
        localByPath.put(e.path(), e);
      }
    }
    return vertx.executeBlocking(() -> reuseLocal(needed, localByHash), false)
        .compose(partSizes -> {
          List<FileEntry> small = new ArrayList<>();
          Deque<FileEntry> large = new ArrayDeque<>();
          for (FileEntry f : needed.values()) {
            if (staged.containsKey(f.hash())) {
              continue;
            }
            if (f.size() >= LARGE || partSizes.getOrDefault(f.hash(), 0L) > 0) {
              large.add(f);
            } else {
              small.add(f);
            }
          }
          Deque<List<FileEntry>> batches = batches(small);
          List<Future<Void>> lanes = new ArrayList<>();
          for (int i = 0; i < Math.min(BULK_LANES, batches.size()); i++) {
            lanes.add(bulkLane(batches, tmpDir.resolve(BULK_DIR_PREFIX + i)));
          }
          for (int i = 0; i < Math.min(parallel, large.size()); i++) {
            lanes.add(largeLane(large, localByPath, partSizes));
          }
          // join, not all: on a failure, wait until no lane writes to the temp area any more
          return Future.join(lanes).transform(ar -> failure != null ? Future.failedFuture(failure)
              : ar.failed() ? Future.failedFuture(ar.cause()) : Future.succeededFuture());
        })
        .map(v -> staged);
  }

  private <T> Future<T> noteFailure(Future<T> f) {
    return f.onFailure(err -> {
      if (failure == null) {
        failure = err;
      }
    });
  }

  // ---- reuse ----

  /**
   * Blocking: takes verified files a failed earlier pass left in the bulk lanes' directories,
   * copies contents found elsewhere in the destination, and returns the sizes of resumable temp files.
   * The temp directories are listed once, so a sync into a clean temp area costs no call per file.
   */
  private Map<String, Long> reuseLocal(Map<String, FileEntry> needed, Map<String, FileEntry> localByHash)
      throws IOException {
    Map<String, Long> partSizes = new HashMap<>();
    for (int lane = 0; lane < BULK_LANES; lane++) {
      Path dir = tmpDir.resolve(BULK_DIR_PREFIX + lane);
      Set<String> left = names(dir);
      for (FileEntry f : needed.values()) {
        Path done = dir.resolve(SyncRun.partName(f.hash()));
        if (left.contains(done.getFileName().toString()) && !staged.containsKey(f.hash())
            && Files.isRegularFile(done, LinkOption.NOFOLLOW_LINKS)) {
          if (Files.size(done) == f.size() && FileHasher.sha256(done).equals(f.hash())) {
            staged.put(f.hash(), done);
            modes.put(f.hash(), "bulk");
            progress.advanced(1, f.size());
          } else {
            Files.delete(done);
          }
        }
      }
    }
    Set<String> parts = names(tmpDir);
    for (FileEntry f : needed.values()) {
      if (staged.containsKey(f.hash())) {
        continue;
      }
      Path part = tmpDir.resolve(SyncRun.partName(f.hash()));
      boolean partExists = parts.contains(part.getFileName().toString());
      FileEntry have = localByHash.get(f.hash());
      if (have != null && have.size() == f.size()) {
        Path source = PathRules.resolveInside(dest, have.path());
        try {
          Files.copy(source, part, StandardCopyOption.REPLACE_EXISTING);
          if (Files.size(part) == f.size() && FileHasher.sha256(part).equals(f.hash())) {
            staged.put(f.hash(), part);
            reused++;
            modes.put(f.hash(), "reused");
            continue;
          }
        } catch (IOException e) {
          LOG.debug("cannot reuse {} for {}: {}", have.path(), f.path(), e.getMessage());
        }
        Files.deleteIfExists(part); // changed since the scan: download it
        partExists = false;
      }
      if (partExists && Files.exists(part)) {
        partSizes.put(f.hash(), Files.size(part));
      }
    }
    return partSizes;
  }

  /** Names in a directory; empty when it does not exist. Blocking. */
  private static Set<String> names(Path dir) throws IOException {
    Set<String> out = new HashSet<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        out.add(p.getFileName().toString());
      }
    } catch (NoSuchFileException | NotDirectoryException absent) {
      // nothing left there
    }
    return out;
  }

  // ---- bulk ----

  static Deque<List<FileEntry>> batches(List<FileEntry> small) {
    Deque<List<FileEntry>> out = new ArrayDeque<>();
    List<FileEntry> cur = new ArrayList<>();
    long bytes = 0;
    for (FileEntry f : small) {
      if (!cur.isEmpty() && (cur.size() >= BATCH_FILES || bytes + f.size() > BATCH_BYTES)) {
        out.add(cur);
        cur = new ArrayList<>();
        bytes = 0;
      }
      cur.add(f);
      bytes += f.size();
    }
    if (!cur.isEmpty()) {
      out.add(cur);
    }
    return out;
  }

  /**
   * One bulk stream after another. Each lane writes into its own temp directory: creating files
   * concurrently in one directory makes them wait on the directory's lock in the kernel.
   */
  private Future<Void> bulkLane(Deque<List<FileEntry>> batches, Path laneDir) {
    List<FileEntry> batch = failure == null ? batches.poll() : null;
    if (batch == null) {
      return Future.succeededFuture();
    }
    return noteFailure(retry.run("download of " + batch.size() + " files", src -> bulkOnce(src, batch, laneDir)))
        .compose(v -> bulkLane(batches, laneDir));
  }

  private Future<Void> bulkOnce(SyncSource src, List<FileEntry> batch, Path laneDir) {
    List<FileEntry> todo = batch.stream().filter(f -> !staged.containsKey(f.hash())).toList();
    if (todo.isEmpty()) {
      return Future.succeededFuture();
    }
    TransferSource t = src.transfers();
    if (t == null) {
      return oneByOne(src, todo, 0);
    }
    List<PieceWriter.Target> targets = new ArrayList<>();
    List<String> paths = new ArrayList<>();
    for (FileEntry f : todo) {
      targets.add(new PieceWriter.Target(f, laneDir.resolve(SyncRun.partName(f.hash())), 0, f.size(), true, true));
      paths.add(f.path());
    }
    PieceWriter writer = new PieceWriter(vertx, targets, received);
    return vertx.executeBlocking(() -> Files.createDirectories(laneDir), false)
        .compose(d -> t.files(spiderId, paths, compression, writer))
        .transform(ar -> writer.end().transform(v -> ar.succeeded() ? Future.succeededFuture()
            : Future.<Void>failedFuture(ar.cause())))
        .transform(ar -> {
          Throwable firstFailure = null;
          int ok = 0;
          for (int i = 0; i < todo.size(); i++) {
            FileEntry f = todo.get(i);
            if (writer.done(i)) {
              stage(f, targets.get(i).file(), "bulk");
              ok++;
            } else if (firstFailure == null && writer.failure(i) != null) {
              firstFailure = writer.failure(i);
            }
          }
          if (ar.failed()) {
            return Future.failedFuture(ar.cause());
          }
          if (firstFailure != null) {
            return Future.failedFuture(firstFailure);
          }
          if (ok < todo.size()) {
            return Future.failedFuture(new TransportException(Kind.PROTOCOL,
                "bulk stream ended before " + (todo.size() - ok) + " of its files were complete"));
          }
          return Future.succeededFuture();
        });
  }

  private Future<Void> oneByOne(SyncSource src, List<FileEntry> files, int i) {
    if (i >= files.size()) {
      return Future.succeededFuture();
    }
    FileEntry f = files.get(i);
    return whole.fetch(src, f).compose(p -> {
      stage(f, p, "whole");
      return oneByOne(src, files, i + 1);
    });
  }

  private void stage(FileEntry f, Path p, String mode) {
    modes.putIfAbsent(f.hash(), mode);
    if (staged.putIfAbsent(f.hash(), p) == null) {
      progress.advanced(1, f.size());
    }
  }

  // ---- large files ----

  private Future<Void> largeLane(Deque<FileEntry> queue, Map<String, FileEntry> localByPath,
      Map<String, Long> partSizes) {
    FileEntry f = failure == null ? queue.poll() : null;
    if (f == null) {
      return Future.succeededFuture();
    }
    FileEntry old = localByPath.get(f.path());
    boolean[] deltaTried = {old == null || old.size() == 0 || partSizes.getOrDefault(f.hash(), 0L) > 0};
    return noteFailure(retry.run("download of " + f.path(), src -> {
          TransferSource t = src.transfers();
          if (t == null) {
            return whole.fetch(src, f);
          }
          if (!deltaTried[0]) {
            deltaTried[0] = true;
            return delta(t, f, old).recover(err -> {
              LOG.info("delta of {} failed ({}); downloading it whole", f.path(), err.getMessage());
              return Future.succeededFuture(null);
            }).compose(p -> p != null ? Future.succeededFuture(p) : wholeRange(t, f));
          }
          return wholeRange(t, f);
        }))
        .compose(p -> {
          stage(f, p, "whole"); // a delta has said "delta" already
          return largeLane(queue, localByPath, partSizes);
        });
  }

  /** Whole file through the transfer call (compressed where it pays), resuming a partial temp file. */
  private Future<Path> wholeRange(TransferSource t, FileEntry f) {
    Path part = tmpDir.resolve(SyncRun.partName(f.hash()));
    return vertx.executeBlocking(() -> {
      long size = Files.exists(part) ? Files.size(part) : 0L;
      if (size > f.size()) {
        Files.delete(part); // longer than the file: not a prefix of it
        return 0L;
      }
      return size;
    }, false).compose(have -> {
      if (have >= f.size() && f.size() > 0) {
        return vertx.executeBlocking(() -> {
          if (Files.size(part) == f.size() && FileHasher.sha256(part).equals(f.hash())) {
            return part;
          }
          Files.deleteIfExists(part);
          throw new TransportException(Kind.INTEGRITY, "stale temp file for " + f.path() + " removed");
        }, false);
      }
      PieceWriter.Target target = new PieceWriter.Target(f, part, have, f.size(), true, false);
      PieceWriter writer = new PieceWriter(vertx, List.of(target), received);
      return t.range(spiderId, f.path(), have, 0, f.size(), compression, writer)
          .transform(ar -> writer.end().transform(v -> {
            if (writer.done(0)) {
              return Future.succeededFuture(part);
            }
            Throwable cause = writer.failure(0) != null ? writer.failure(0) : ar.cause();
            return Future.failedFuture(cause != null ? cause
                : new TransportException(Kind.PROTOCOL, "download of " + f.path() + " ended early"));
          }));
    });
  }

  // ---- delta ----

  private record Planned(DeltaPlan plan, int[] groups, BlockIndex local) {}

  /** Rebuilds {@code f} from {@code old} plus fetched ranges; null when a delta does not pay. */
  private Future<Path> delta(TransferSource t, FileEntry f, FileEntry old) {
    Path oldPath = PathRules.resolveInside(dest, old.path());
    Path work = tmpDir.resolve(f.hash() + ".delta");
    Path part = tmpDir.resolve(SyncRun.partName(f.hash()));
    return t.blockHashes(spiderId, f.path(), null).compose(top -> {
      received.accept(top.wireBytes());
      if (top.fileSize() != f.size() || !top.fileHash().equals(f.hash())) {
        LOG.info("master's {} no longer matches the manifest; no delta", f.path());
        return Future.succeededFuture(null);
      }
      try {
        BlockIndex.checkGeometry(top.blockSize(), top.groupSize(), f.size(), old.size(), top.groupHashes().length);
      } catch (IllegalArgumentException bad) {
        return Future.failedFuture(new TransportException(Kind.PROTOCOL, "block hashes of " + f.path()
            + " do not fit the file: " + bad.getMessage()));
      }
      return vertx.executeBlocking(() -> {
        BlockIndex local = BlockIndex.compute(oldPath, top.blockSize(), top.groupSize(), false);
        DeltaPlan plan = new DeltaPlan(f.size(), top.blockSize(), top.groupSize(), local);
        return new Planned(plan, plan.differingGroups(top.groupHashes()), local);
      }, false).compose(p -> p.groups().length == 0 ? Future.succeededFuture(p.plan())
          : t.blockHashes(spiderId, f.path(), p.groups()).compose(blocks -> {
            received.accept(blocks.wireBytes());
            return vertx.executeBlocking(() -> resolveBlocks(p, blocks, oldPath, top), false);
          }))
          .compose(plan -> {
            if (plan.fetchBytes() > f.size() * DELTA_MAX_SHARE) {
              LOG.info("delta of {} would fetch {} of {} bytes; downloading it whole", f.path(), plan.fetchBytes(),
                  f.size());
              return Future.succeededFuture(null);
            }
            return build(t, f, plan, oldPath, work, part);
          });
    });
  }

  /** Blocking: block hashes of the differing groups, aligned matches, then a rolling search. */
  private static DeltaPlan resolveBlocks(Planned p, BlockHashes blocks, Path oldPath, BlockHashes top)
      throws IOException {
    if (!Arrays.equals(blocks.groups(), p.groups()) || blocks.blockSize() != top.blockSize()
        || blocks.groupSize() != top.groupSize() || blocks.fileSize() != top.fileSize()) {
      throw new TransportException(Kind.PROTOCOL, "block hashes answer does not match the request");
    }
    DeltaPlan plan = p.plan();
    try {
      plan.addBlocks(blocks.groups(), blocks.strong(), blocks.weak());
    } catch (IllegalArgumentException e) {
      throw new TransportException(Kind.PROTOCOL, "bad block hashes: " + e.getMessage());
    }
    List<Integer> missing = plan.unresolved();
    if (!missing.isEmpty()) {
      long groupBytes = (long) top.blockSize() * top.groupSize();
      long localSize = p.local().fileSize();
      int[] g = p.groups();
      long from = Math.max(0, (g[0] - 1L) * groupBytes);
      long to = localSize != top.fileSize() ? localSize : Math.min(localSize, (g[g.length - 1] + 2L) * groupBytes);
      try (FileChannel ch = FileChannel.open(oldPath, StandardOpenOption.READ)) {
        RollingMatcher.search(ch, from, to, top.blockSize(), plan, missing);
      }
    }
    return plan;
  }

  private Future<Path> build(TransferSource t, FileEntry f, DeltaPlan plan, Path oldPath, Path work, Path part) {
    List<DeltaPlan.Op> ops = plan.ops();
    return vertx.executeBlocking(() -> {
          try (FileChannel in = FileChannel.open(oldPath, StandardOpenOption.READ);
               FileChannel out = FileChannel.open(work, StandardOpenOption.WRITE, StandardOpenOption.CREATE,
                   StandardOpenOption.TRUNCATE_EXISTING)) {
            for (DeltaPlan.Op op : ops) {
              if (op.fetch()) {
                continue;
              }
              long done = 0;
              while (done < op.length()) {
                long n = in.transferTo(op.src() + done, op.length() - done, out.position(op.dst() + done));
                if (n <= 0) {
                  throw new IOException("old copy of " + f.path() + " shrank during the delta");
                }
                done += n;
              }
            }
          }
          return null;
        }, false)
        .compose(v -> {
          Deque<DeltaPlan.Op> fetches = new ArrayDeque<>(ops.stream().filter(DeltaPlan.Op::fetch).toList());
          List<Future<Void>> lanes = new ArrayList<>();
          for (int i = 0; i < Math.min(RANGE_LANES, fetches.size()); i++) {
            lanes.add(rangeLane(t, f, work, fetches));
          }
          return Future.all(lanes);
        })
        .compose(v -> vertx.executeBlocking(() -> {
          if (Files.size(work) == f.size() && FileHasher.sha256(work).equals(f.hash())) {
            Files.move(work, part, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return part;
          }
          throw new TransportException(Kind.INTEGRITY, "file rebuilt from blocks does not match the manifest hash of "
              + f.path() + "; not installed");
        }, false))
        .onSuccess(p -> {
          deltas++;
          modes.put(f.hash(), "delta");
          LOG.debug("delta of {}: fetched {} of {} bytes in {} ranges", f.path(), plan.fetchBytes(), f.size(),
              ops.stream().filter(DeltaPlan.Op::fetch).count());
        })
        .onFailure(err -> vertx.executeBlocking(() -> Files.deleteIfExists(work), false));
  }

  private Future<Void> rangeLane(TransferSource t, FileEntry f, Path work, Deque<DeltaPlan.Op> fetches) {
    DeltaPlan.Op op = fetches.poll();
    if (op == null) {
      return Future.succeededFuture();
    }
    PieceWriter.Target target = new PieceWriter.Target(f, work, op.dst(), op.dst() + op.length(), false, false);
    PieceWriter writer = new PieceWriter(vertx, List.of(target), received);
    return t.range(spiderId, f.path(), op.dst(), op.length(), f.size(), compression, writer)
        .transform(ar -> writer.end().transform(v -> {
          if (writer.done(0)) {
            return Future.<Void>succeededFuture();
          }
          Throwable cause = writer.failure(0) != null ? writer.failure(0) : ar.cause();
          return Future.<Void>failedFuture(cause != null ? cause
              : new TransportException(Kind.PROTOCOL, "range of " + f.path() + " ended early"));
        }))
        .compose(v -> rangeLane(t, f, work, fetches));
  }
}
