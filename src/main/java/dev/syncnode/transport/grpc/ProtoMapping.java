package dev.syncnode.transport.grpc;

import dev.syncnode.manifest.EntryType;
import dev.syncnode.manifest.FileEntry;
import dev.syncnode.manifest.Manifest;
import dev.syncnode.manifest.PathRules;
import dev.syncnode.manifest.Skipped;
import dev.syncnode.proto.FileScanChunk;
import dev.syncnode.proto.SkippedEntry;
import java.util.List;

/** Translation between manifest records and their protobuf messages. */
public final class ProtoMapping {
  /** The largest gRPC message either side accepts (a manifest chunk, a piece with its header). */
  public static final long MAX_MESSAGE_SIZE = 4 * 1024 * 1024;

  private ProtoMapping() {}

  public static dev.syncnode.proto.FileEntry toProto(FileEntry e) {
    return dev.syncnode.proto.FileEntry.newBuilder()
        .setPath(e.path())
        .setType(toProto(e.type()))
        .setSize(e.size())
        .setMode(e.mode())
        .setMtime(e.mtime())
        .setHash(e.hash())
        .setTarget(e.target())
        .build();
  }

  public static FileEntry fromProto(dev.syncnode.proto.FileEntry p) {
    return new FileEntry(p.getPath(), fromProto(p.getType()), p.getSize(), p.getMode(), p.getMtime(),
        p.getHash(), p.getTarget());
  }

  public static dev.syncnode.proto.EntryType toProto(EntryType t) {
    switch (t) {
      case DIR:
        return dev.syncnode.proto.EntryType.DIR;
      case SYMLINK:
        return dev.syncnode.proto.EntryType.SYMLINK;
      default:
        return dev.syncnode.proto.EntryType.FILE;
    }
  }

  public static EntryType fromProto(dev.syncnode.proto.EntryType t) {
    switch (t) {
      case FILE:
        return EntryType.FILE;
      case DIR:
        return EntryType.DIR;
      case SYMLINK:
        return EntryType.SYMLINK;
      default:
        throw new IllegalArgumentException("unknown entry type " + t);
    }
  }

  public static FileScanChunk.Builder chunk(int index, long total, String digest, boolean last) {
    return FileScanChunk.newBuilder().setIndex(index).setTotal(total).setDigest(digest).setLast(last);
  }

  /** The first chunk of an answer lists the first skipped entries and counts them all. */
  public static FileScanChunk.Builder withSkipped(FileScanChunk.Builder chunk, Manifest m) {
    List<Skipped> skipped = m.skipped();
    for (int i = 0; i < skipped.size() && i < Skipped.MAX_LISTED; i++) {
      chunk.addSkipped(SkippedEntry.newBuilder().setPath(skipped.get(i).path()).setReason(skipped.get(i).reason()));
    }
    return chunk.setSkippedTotal(m.skippedTotal());
  }

  /** Adds what a chunk lists as skipped to {@code into}, at most {@link Skipped#MAX_LISTED}, safe to log. */
  public static void readSkipped(FileScanChunk chunk, List<Skipped> into) {
    for (SkippedEntry e : chunk.getSkippedList()) {
      if (into.size() >= Skipped.MAX_LISTED) {
        return;
      }
      into.add(new Skipped(PathRules.displaySafe(e.getPath()), PathRules.displaySafe(e.getReason())));
    }
  }

}
