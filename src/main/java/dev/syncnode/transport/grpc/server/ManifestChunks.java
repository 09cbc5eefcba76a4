package dev.syncnode.transport.grpc.server;

import dev.syncnode.manifest.FileEntry;
import dev.syncnode.manifest.Manifest;
import dev.syncnode.proto.FileScanChunk;
import dev.syncnode.transport.grpc.ProtoMapping;
import io.vertx.core.buffer.Buffer;
import io.vertx.grpc.common.GrpcMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * The {@code FileScanChunk} messages of a manifest, encoded (and gzipped) once and sent as the same
 * bytes to every worker that asks for it while the scan cache holds it: ten workers pulling one
 * spider cost one encoding of its manifest, not ten. Chunks are encoded lazily, as the first stream
 * reaches them. Kept for the last few manifests up to {@link #MAX_BYTES} of encoded chunks in all;
 * a manifest whose chunks would pass that is encoded per request, chunk by chunk, as before.
 * Used on the gRPC endpoint's event loop only (no locks).
 */
final class ManifestChunks {
  /** Encoded chunk bytes kept at most, for all manifests: 16 MiB, or a sixteenth of a smaller heap. */
  static final long MAX_BYTES = Math.min(16L * 1024 * 1024, Runtime.getRuntime().maxMemory() / 16);
  /** Manifests kept at most. */
  static final int MAX_MANIFESTS = 16;

  /** A manifest by identity (the scan cache hands out the same object while it is current). */
  private record Key(Manifest manifest, int chunkSize, boolean gzip) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && k.manifest == manifest && k.chunkSize == chunkSize && k.gzip == gzip;
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(manifest) * 31 + chunkSize * 2 + (gzip ? 1 : 0);
    }
  }

  /** The chunks of one manifest encoded so far. */
  static final class Encoded {
    private final Manifest manifest;
    private final int chunkSize;
    private final boolean gzip;
    private final Buffer[] chunks;
    private long bytes;

    private Encoded(Manifest manifest, int chunkSize, boolean gzip) {
      this.manifest = manifest;
      this.chunkSize = chunkSize;
      this.gzip = gzip;
      this.chunks = new Buffer[ManifestChunks.count(manifest, chunkSize)];
    }

    int count() {
      return chunks.length;
    }
  }

  private final LinkedHashMap<Key, Encoded> cache = new LinkedHashMap<>(16, 0.75f, true);
  private long bytes;

  /** The number of chunks of {@code m} (an empty manifest: one). */
  static int count(Manifest m, int chunkSize) {
    return Math.max(1, (m.entries().size() + chunkSize - 1) / chunkSize);
  }

  /** The (possibly shared) encoding of {@code m}'s chunks. */
  Encoded of(Manifest m, int chunkSize, boolean gzip) {
    Key key = new Key(m, chunkSize, gzip);
    Encoded e = cache.get(key);
    if (e == null) {
      e = new Encoded(m, chunkSize, gzip);
      cache.put(key, e);
      trim();
    }
    return e;
  }

  /** Chunk {@code i} of {@code e} as a message, encoded now unless an earlier stream did. */
  GrpcMessage chunk(Encoded e, int i) {
    Buffer b = e.chunks[i];
    if (b == null) {
      b = Buffer.buffer(encode(e.manifest, e.chunkSize, i, e.gzip));
      if (cache.get(new Key(e.manifest, e.chunkSize, e.gzip)) == e) {
        e.chunks[i] = b; // only while it is cached: an evicted one is not filled any more
        e.bytes += b.length();
        bytes += b.length();
        trim();
      }
    }
    return GrpcMessage.message(e.gzip ? "gzip" : "identity", b);
  }

  /** Evicts the least recently used manifests while over either bound. */
  private void trim() {
    Iterator<Map.Entry<Key, Encoded>> it = cache.entrySet().iterator();
    while ((bytes > MAX_BYTES || cache.size() > MAX_MANIFESTS) && it.hasNext()) {
      Encoded old = it.next().getValue();
      it.remove();
      bytes -= old.bytes;
      Arrays.fill(old.chunks, null); // streams still sending it encode the rest chunk by chunk
      old.bytes = 0;
    }
  }

  /** Encoded bytes held now (tests). */
  long bytes() {
    return bytes;
  }

  private static byte[] encode(Manifest m, int chunkSize, int i, boolean gzip) {
    List<FileEntry> entries = m.entries();
    int from = i * chunkSize;
    int end = Math.min(entries.size(), from + chunkSize);
    FileScanChunk.Builder chunk = ProtoMapping.chunk(i, entries.size(), m.digest(), end == entries.size());
    if (i == 0) {
      ProtoMapping.withSkipped(chunk, m);
    }
    for (int k = from; k < end; k++) {
      chunk.addEntries(ProtoMapping.toProto(entries.get(k)));
    }
    byte[] raw = chunk.build().toByteArray();
    if (!gzip) {
      return raw;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length / 2 + 64);
    try (GZIPOutputStream z = new GZIPOutputStream(out, 8192)) {
      z.write(raw);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // in memory
    }
    return out.toByteArray();
  }
}
