package dev.syncnode.transport.grpc;

import dev.syncnode.manifest.EntryType;
import dev.syncnode.manifest.FileEntry;
import dev.syncnode.proto.FileScanChunk;

/** Translation between manifest records and their protobuf messages. */
final class ProtoMapping {
  private ProtoMapping() {}

  static dev.syncnode.proto.FileEntry toProto(FileEntry e) {
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

  static FileEntry fromProto(dev.syncnode.proto.FileEntry p) {
    return new FileEntry(p.getPath(), fromProto(p.getType()), p.getSize(), p.getMode(), p.getMtime(),
        p.getHash(), p.getTarget());
  }

  static dev.syncnode.proto.EntryType toProto(EntryType t) {
    switch (t) {
      case DIR:
        return dev.syncnode.proto.EntryType.DIR;
      case SYMLINK:
        return dev.syncnode.proto.EntryType.SYMLINK;
      default:
        return dev.syncnode.proto.EntryType.FILE;
    }
  }

  static EntryType fromProto(dev.syncnode.proto.EntryType t) {
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

  static FileScanChunk.Builder chunk(int index, long total, String digest, boolean last) {
    return FileScanChunk.newBuilder().setIndex(index).setTotal(total).setDigest(digest).setLast(last);
  }
}
