package dev.syncnode.worker.fetch;

import dev.syncnode.delta.BlockHashes;
import dev.syncnode.delta.BlockIndex;
import dev.syncnode.delta.DeltaPlan;
import dev.syncnode.delta.RollingMatcher;
import dev.syncnode.manifest.FileEntry;
import dev.syncnode.manifest.PathRules;
import dev.syncnode.transport.TransferSource;
import dev.syncnode.transport.TransportException.Kind;
import dev.syncnode.transport.TransportException;
import io.vertx.core.Future;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds a large file from its old version at the same path plus the blocks that differ: group hashes
 * first, then block hashes of differing groups only, then a rolling search for moved content. The new
 * file is written front to back (old blocks copied, missing ranges fetched up to {@link #RANGE_LANES}
 * ahead), so {@link StagedFile} hashes it while it is written.
 */
final class Delta {
  private static final Logger LOG = LoggerFactory.getLogger(Delta.class);
  static final int RANGE_LANES = 4;
  /** A delta that would fetch more than this share of the file is not worth it. */
  static final double MAX_SHARE = 0.75;

  private record Planned(DeltaPlan plan, int[] groups, BlockIndex local) {}

  private final Staging staging;
  private final Path dest;

  Delta(Staging staging, Path dest) {
    this.staging = staging;
    this.dest = dest;
  }

  /** {@code f} rebuilt from {@code old}, verified, as its temp file; null when a delta does not pay. */
  Future<Path> fetch(TransferSource t, FileEntry f, FileEntry old) {
    Path oldPath = PathRules.resolveInside(dest, old.path());
    // the old copy is indexed while the master answers, in the geometry a master uses for the file's size;
    // an answer in another geometry has it indexed again in that one
    int bs = BlockIndex.blockSizeFor(f.size());
    int gs = BlockIndex.DEFAULT_GROUP_SIZE;
    Future<BlockIndex> early = BlockIndex.blockCount(old.size(), bs) > BlockIndex.MAX_BLOCKS
        ? Future.failedFuture("too many blocks") // the master's geometry decides, once checked
        : staging.blocking(() -> BlockIndex.blocksOnly(oldPath, bs, gs));
    return t.blockHashes(staging.spiderId, f.path(), null)
        .compose(top -> plan(t, f, old, oldPath, top, early))
        .compose(plan -> plan == null ? Future.succeededFuture() : build(t, f, plan, oldPath));
  }

  private Future<DeltaPlan> plan(TransferSource t, FileEntry f, FileEntry old, Path oldPath, BlockHashes top,
      Future<BlockIndex> early) {
    staging.received(top.wireBytes());
    if (top.fileSize() != f.size() || !top.fileHash().equals(f.hash())) {
      LOG.info("master's {} no longer matches the manifest; no delta", f.path());
      return Future.succeededFuture();
    }
    try {
      BlockIndex.checkGeometry(top.blockSize(), top.groupSize(), f.size(), old.size(), top.groupHashes().length);
    } catch (IllegalArgumentException bad) {
      return Future.failedFuture(new TransportException(Kind.PROTOCOL, "block hashes of " + f.path()
          + " do not fit the file: " + bad.getMessage()));
    }
    return localIndex(oldPath, top, early).compose(local -> staging.blocking(() -> {
          DeltaPlan plan = new DeltaPlan(f.size(), top.blockSize(), top.groupSize(), local);
          return new Planned(plan, plan.differingGroups(top.groupHashes()), local);
        }))
        .compose(p -> p.groups().length == 0 ? Future.succeededFuture(p.plan())
            : t.blockHashes(staging.spiderId, f.path(), p.groups()).compose(blocks -> {
              staging.received(blocks.wireBytes());
              return staging.blocking(() -> resolveBlocks(p, blocks, oldPath, top));
            }))
        .map(plan -> {
          if (plan.fetchBytes() <= f.size() * MAX_SHARE) {
            return plan;
          }
          LOG.info("delta of {} would fetch {} of {} bytes; downloading it whole", f.path(), plan.fetchBytes(),
              f.size());
          return null;
        });
  }

  /** The early index of the old copy when the master's geometry is the one it was made in, else a new one. */
  private Future<BlockIndex> localIndex(Path oldPath, BlockHashes top, Future<BlockIndex> early) {
    return early.transform(ar -> ar.succeeded() && ar.result().blockSize() == top.blockSize()
        && ar.result().groupSize() == top.groupSize() ? Future.succeededFuture(ar.result())
        : staging.blocking(() -> BlockIndex.blocksOnly(oldPath, top.blockSize(), top.groupSize())));
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

  private Future<Path> build(TransferSource t, FileEntry f, DeltaPlan plan, Path oldPath) {
    List<DeltaPlan.Op> ops = plan.ops();
    return staging.blocking(() -> {
          FileChannel old = FileChannel.open(oldPath, StandardOpenOption.READ);
          try {
            return new Build(t, StagedFile.create(f, staging.part(f)), old, ops);
          } catch (IOException | RuntimeException e) {
            old.close();
            throw e;
          }
        })
        .compose(Build::run)
        .onSuccess(p -> LOG.debug("delta of {}: fetched {} of {} bytes in {} ranges", f.path(), plan.fetchBytes(),
            f.size(), ops.stream().filter(DeltaPlan.Op::fetch).count()));
  }

  /** One rebuild: the ops in file order into one staged file. */
  private final class Build {
    private record Fetch(StageSink sink, Future<Void> call) {}

    private final TransferSource t;
    private final StagedFile out;
    private final FileChannel old;
    private final Deque<DeltaPlan.Op> ops;
    private final Deque<DeltaPlan.Op> toFetch;
    private final Deque<Fetch> ahead = new ArrayDeque<>();

    Build(TransferSource t, StagedFile out, FileChannel old, List<DeltaPlan.Op> ops) {
      this.t = t;
      this.out = out;
      this.old = old;
      this.ops = new ArrayDeque<>(ops);
      this.toFetch = new ArrayDeque<>(ops.stream().filter(DeltaPlan.Op::fetch).toList());
    }

    Future<Path> run() {
      return next()
          .compose(v -> staging.blocking(() -> {
            old.close();
            return out.finish();
          }))
          .recover(err -> {
            ahead.forEach(a -> a.sink().abandon(err));
            // done before the failure is told: the whole download that follows opens the same temp file
            return staging.blocking(() -> {
              old.close();
              out.discard(err);
              return null;
            }).transform(ar -> Future.failedFuture(err));
          });
    }

    private Future<Void> next() {
      fetchAhead();
      DeltaPlan.Op op = ops.poll();
      if (op == null) {
        return Future.succeededFuture();
      }
      if (!op.fetch()) {
        return staging.blocking(() -> {
          out.copy(old, op.src(), op.length());
          return null;
        }).compose(v -> next());
      }
      Fetch fetch = ahead.poll();
      fetch.sink().release();
      return fetch.call()
          .transform(ar -> fetch.sink().settle(ar, "range of " + out.entry().path()))
          .compose(v -> next());
    }

    /** Starts the next ranges; their sinks hold the bytes until their turn. */
    private void fetchAhead() {
      while (ahead.size() < RANGE_LANES && !toFetch.isEmpty()) {
        DeltaPlan.Op op = toFetch.poll();
        StageSink sink = staging.sink(List.of(StageSink.Slot.range(out, op.dst() + op.length()))).hold();
        ahead.add(new Fetch(sink, t.range(staging.spiderId, out.entry().path(), op.dst(), op.length(),
            out.entry().size(), staging.compress, sink)));
      }
    }
  }
}
