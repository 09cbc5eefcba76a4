package dev.syncnode.worker.fetch;

import dev.syncnode.manifest.FileEntry;
import dev.syncnode.manifest.ManifestDigest;
import dev.syncnode.piece.FilePiece;
import dev.syncnode.piece.PieceCodec.Codec;
import dev.syncnode.piece.PieceCodec;
import dev.syncnode.transport.TransportException.Kind;
import dev.syncnode.transport.TransportException;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.streams.WriteStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.function.LongConsumer;

/**
 * Writes incoming file pieces into temp files, off the event loop: pieces queue up on the event loop
 * and are written (decompressed by their codec first) by one blocking task at a time, in arrival
 * order. While more than {@link #MAX_PENDING} bytes wait, {@link #writeQueueFull()} is true and the
 * transport pauses the stream, so memory stays bounded whatever the file sizes.
 *
 * <p>Each target expects the bytes {@code [start, end)} of its file, in order. A target with
 * {@code verify} is hashed as it is written (a resumed file's existing prefix is read and hashed
 * first), so the SHA-256 covers exactly the bytes of the temp file; it succeeds only if that hash
 * and the size match the manifest. A failed target (wrong offset, bad compressed data, too many
 * bytes, hash mismatch) is deleted and its further pieces are ignored; the others go on.
 */
final class PieceWriter implements WriteStream<FilePiece> {
  static final int MAX_PENDING = 2 * 1024 * 1024;

  /** One file to write: bytes {@code [start, end)} of {@code entry}'s content into {@code file}. */
  record Target(FileEntry entry, Path file, long start, long end, boolean verify, boolean truncate) {}

  private final Vertx vertx;
  private final List<Target> targets;
  private final LongConsumer received;
  private final long[] written;
  private final FileChannel[] channels;
  private final MessageDigest[] digests;
  private final boolean[] done;
  private final Throwable[] failed;
  private List<FilePiece> pending = new ArrayList<>();
  private long pendingBytes;
  private boolean flushing;
  private Handler<Void> drainHandler;
  private Promise<Void> ended;
  /** The first failed target: the stream is abandoned (what completed before it is kept). */
  private volatile Throwable firstFailure;

  PieceWriter(Vertx vertx, List<Target> targets, LongConsumer received) {
    this.vertx = vertx;
    this.targets = targets;
    this.received = received;
    this.written = new long[targets.size()];
    this.channels = new FileChannel[targets.size()];
    this.digests = new MessageDigest[targets.size()];
    this.done = new boolean[targets.size()];
    this.failed = new Throwable[targets.size()];
    for (int i = 0; i < targets.size(); i++) {
      written[i] = targets.get(i).start();
    }
  }

  @Override
  public Future<Void> write(FilePiece piece) {
    if (ended != null) {
      return Future.failedFuture(new IllegalStateException("writer ended"));
    }
    if (firstFailure != null) {
      return Future.failedFuture(firstFailure);
    }
    if (piece.index() < 0 || piece.index() >= targets.size()) {
      return Future.failedFuture(new TransportException(Kind.PROTOCOL, "piece for unknown file #" + piece.index()));
    }
    received.accept(piece.data().remaining());
    pending.add(piece);
    pendingBytes += piece.data().remaining();
    flush();
    return Future.succeededFuture();
  }

  @Override
  public boolean writeQueueFull() {
    return pendingBytes >= MAX_PENDING;
  }

  @Override
  public WriteStream<FilePiece> drainHandler(Handler<Void> handler) {
    this.drainHandler = handler;
    return this;
  }

  @Override
  public WriteStream<FilePiece> setWriteQueueMaxSize(int maxSize) {
    return this;
  }

  @Override
  public WriteStream<FilePiece> exceptionHandler(Handler<Throwable> handler) {
    return this;
  }

  /** Completes once every queued piece is written and open files are closed. */
  @Override
  public Future<Void> end() {
    if (ended == null) {
      ended = Promise.promise();
      if (!flushing && pending.isEmpty()) {
        closeAll();
      }
    }
    return ended.future();
  }

  private void flush() {
    if (flushing || pending.isEmpty()) {
      return;
    }
    flushing = true;
    List<FilePiece> batch = pending;
    pending = new ArrayList<>();
    pendingBytes = 0;
    vertx.executeBlocking(() -> {
      for (FilePiece p : batch) {
        writeOne(p);
      }
      return null;
    }, false).onComplete(ar -> {
      flushing = false;
      if (ar.failed()) {
        // unexpected: fail every unfinished target
        for (int i = 0; i < targets.size(); i++) {
          if (!done[i] && failed[i] == null) {
            failed[i] = ar.cause();
          }
        }
      }
      Handler<Void> drain = drainHandler;
      if (drain != null && !writeQueueFull()) {
        drainHandler = null;
        drain.handle(null);
      }
      if (!pending.isEmpty()) {
        flush();
      } else if (ended != null) {
        closeAll();
      }
    });
  }

  /** Blocking: one piece into its file. */
  private void writeOne(FilePiece p) {
    int i = p.index();
    Target t = targets.get(i);
    if (done[i] || failed[i] != null) {
      if (done[i] && failed[i] == null && (p.rawSize() > 0 || !p.eof())) {
        fail(i, new TransportException(Kind.PROTOCOL, "data after the end of " + t.entry().path()));
      }
      return;
    }
    try {
      if (p.offset() != written[i]) {
        throw new TransportException(Kind.PROTOCOL, "piece of " + t.entry().path() + " at offset " + p.offset()
            + ", expected " + written[i]);
      }
      if (p.offset() + p.rawSize() > t.end()) {
        throw new TransportException(Kind.INTEGRITY, t.entry().path() + ": master sent more than the manifest size"
            + " of " + t.entry().size() + " bytes");
      }
      ByteBuffer bytes;
      if (p.codec() != Codec.NONE) {
        bytes = ByteBuffer.wrap(PieceCodec.decompress(p.codec(), p.data(), p.rawSize()));
      } else if (p.data().remaining() != p.rawSize()) {
        throw new TransportException(Kind.PROTOCOL, "piece length does not match its size");
      } else {
        bytes = p.data().duplicate();
      }
      int length = bytes.remaining();
      FileChannel ch = channel(i);
      long at = p.offset();
      ByteBuffer out = bytes.duplicate();
      while (out.hasRemaining()) {
        at += ch.write(out, at);
      }
      if (digests[i] != null) {
        digests[i].update(bytes);
      }
      written[i] += length;
      if (written[i] == t.end()) {
        complete(i);
      } else if (p.eof()) {
        throw new TransportException(Kind.INTEGRITY, "hash mismatch for " + t.entry().path() + ": it ended after "
            + written[i] + " bytes, expected " + t.end() + "; not installed");
      }
    } catch (IllegalArgumentException e) {
      fail(i, new TransportException(Kind.INTEGRITY, "bad compressed piece of " + t.entry().path() + ": "
          + e.getMessage(), e));
    } catch (TransportException e) {
      fail(i, e);
    } catch (IOException | RuntimeException e) {
      fail(i, new TransportException(Kind.LOCAL_IO, "cannot write " + t.entry().path() + ": " + e, e));
    }
  }

  private FileChannel channel(int i) throws IOException {
    if (channels[i] == null) {
      Target t = targets.get(i);
      Set<StandardOpenOption> opts = EnumSet.of(StandardOpenOption.WRITE, StandardOpenOption.CREATE);
      if (t.truncate()) {
        opts.add(StandardOpenOption.TRUNCATE_EXISTING);
      }
      if (t.verify() && t.start() > 0) {
        opts.add(StandardOpenOption.READ); // the existing prefix is hashed first
      }
      channels[i] = FileChannel.open(t.file(), opts);
      if (t.verify()) {
        digests[i] = ManifestDigest.sha256();
        if (t.start() > 0) {
          hashPrefix(channels[i], t.start(), digests[i]);
        }
      }
    }
    return channels[i];
  }

  /** Hashes the bytes a resumed temp file already holds. */
  private static void hashPrefix(FileChannel ch, long length, MessageDigest md) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate((int) Math.min(length, 256 * 1024));
    long pos = 0;
    while (pos < length) {
      buf.clear().limit((int) Math.min(buf.capacity(), length - pos));
      int n = ch.read(buf, pos);
      if (n < 0) {
        throw new TransportException(Kind.INTEGRITY, "partial temp file shorter than expected");
      }
      md.update(buf.flip());
      pos += n;
    }
  }

  /** Blocking: closes, and with {@code verify}, hashes the finished file. */
  private void complete(int i) throws IOException {
    Target t = targets.get(i);
    if (channels[i] == null) {
      channel(i); // an empty file still has to exist
    }
    long size = channels[i].size(); // fstat of the open file, no path lookup
    channels[i].close();
    channels[i] = null;
    if (t.verify()) {
      String hash = size == t.entry().size() ? HexFormat.of().formatHex(digests[i].digest()) : "";
      digests[i] = null;
      if (!hash.equals(t.entry().hash())) {
        throw new TransportException(Kind.INTEGRITY, "hash mismatch for " + t.entry().path() + ": expected "
            + t.entry().hash() + " (" + t.entry().size() + " bytes), got " + (hash.isEmpty() ? "?" : hash) + " ("
            + size + " bytes); not installed");
      }
    }
    done[i] = true;
  }

  private void fail(int i, Throwable err) {
    failed[i] = err;
    if (firstFailure == null) {
      firstFailure = err;
    }
    closeQuietly(i);
    // bytes that cannot be trusted go; after a local write failure the prefix stays for resuming
    if (targets.get(i).verify() && TransportException.kindOf(err) != Kind.LOCAL_IO) {
      try {
        Files.deleteIfExists(targets.get(i).file());
      } catch (IOException ignored) {
        // the next sync cleans the temp area
      }
    }
  }

  private void closeQuietly(int i) {
    if (channels[i] != null) {
      try {
        channels[i].close();
      } catch (IOException ignored) {
        // nothing to do
      }
      channels[i] = null;
    }
  }

  private void closeAll() {
    vertx.executeBlocking(() -> {
      for (int i = 0; i < channels.length; i++) {
        closeQuietly(i);
      }
      return null;
    }, false).onComplete(ar -> ended.tryComplete());
  }

  /** Whether target {@code i} was written completely (and verified when asked). Call after {@link #end()}. */
  boolean done(int i) {
    return done[i];
  }

  /** Why target {@code i} failed, or null (also null when it simply never completed). */
  Throwable failure(int i) {
    return failed[i];
  }
}
