package dev.syncnode.transport.grpc.server;

import com.google.protobuf.CodedOutputStream;
import dev.syncnode.master.content.PieceReader;
import dev.syncnode.piece.PieceCodec.Codec;
import io.netty.buffer.Unpooled;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.grpc.common.GrpcMessage;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The wire form of {@code FileData} and {@code FileDownloadChunk} messages, written straight from a
 * {@link PieceReader.Piece}: the few small fields are encoded into a short header and trailer, and
 * the piece's bytes (a cached compressed piece shared by every stream, or the bytes just read) are
 * wrapped, not copied. The generated message's {@code toByteArray} would copy every piece once more
 * into a fresh array per stream before Vert.x copies it into its frame. The bytes are exactly what
 * protobuf writes for the same message (fields in number order, proto3 defaults left out), so the
 * worker's decoding is unchanged.
 */
final class PieceFrames {
  private PieceFrames() {}

  /** {@code FileData}: index 1, offset 2, data 3, compression 4, raw_size 5, size 6, eof 7. */
  static GrpcMessage fileData(PieceReader.Piece p) {
    byte[] head = new byte[2 * 11 + 5 + 5];
    CodedOutputStream h = CodedOutputStream.newInstance(head);
    byte[] tail = new byte[11 + 11 + 11 + 2];
    CodedOutputStream t = CodedOutputStream.newInstance(tail);
    try {
      if (p.index() != 0) {
        h.writeInt32(1, p.index());
      }
      if (p.offset() != 0) {
        h.writeInt64(2, p.offset());
      }
      if (p.data().length > 0) {
        h.writeTag(3, 2); // length-delimited
        h.writeUInt32NoTag(p.data().length);
      }
      trailer(t, 4, p.codec(), p.rawSize(), p.fileSize());
      if (p.eof()) {
        t.writeBool(7, true);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e); // the arrays are large enough for every field
    }
    return message(head, h.getTotalBytesWritten(), p.data(), tail, t.getTotalBytesWritten());
  }

  /** {@code FileDownloadChunk}: data 1, offset 2, size 3, compression 4, raw_size 5. */
  static GrpcMessage downloadChunk(PieceReader.Piece p) {
    byte[] head = new byte[5 + 5];
    CodedOutputStream h = CodedOutputStream.newInstance(head);
    byte[] tail = new byte[11 + 11 + 11 + 11];
    CodedOutputStream t = CodedOutputStream.newInstance(tail);
    try {
      if (p.data().length > 0) {
        h.writeTag(1, 2);
        h.writeUInt32NoTag(p.data().length);
      }
      if (p.offset() != 0) {
        t.writeInt64(2, p.offset());
      }
      if (p.fileSize() != 0) {
        t.writeInt64(3, p.fileSize());
      }
      if (p.codec() != Codec.NONE) {
        t.writeEnum(4, wire(p.codec()));
      }
      if (p.rawSize() != 0) {
        t.writeInt32(5, p.rawSize());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return message(head, h.getTotalBytesWritten(), p.data(), tail, t.getTotalBytesWritten());
  }

  /** Fields {@code first} (compression), +1 (raw_size), +2 (size) of a {@code FileData}. */
  private static void trailer(CodedOutputStream t, int first, Codec codec, int rawSize, long size)
      throws IOException {
    if (codec != Codec.NONE) {
      t.writeEnum(first, wire(codec));
    }
    if (rawSize != 0) {
      t.writeInt32(first + 1, rawSize);
    }
    if (size != 0) {
      t.writeInt64(first + 2, size);
    }
  }

  /** The number of {@code syncnode.v1.Compression} for a codec. */
  private static int wire(Codec codec) {
    return switch (codec) {
      case NONE -> dev.syncnode.proto.Compression.NONE_VALUE;
      case DEFLATE -> dev.syncnode.proto.Compression.DEFLATE_VALUE;
      case ZSTD -> dev.syncnode.proto.Compression.ZSTD_VALUE;
    };
  }

  private static GrpcMessage message(byte[] head, int headLen, byte[] data, byte[] tail, int tailLen) {
    return GrpcMessage.message("identity", BufferInternal.buffer(Unpooled.wrappedBuffer(
        Unpooled.wrappedBuffer(head, 0, headLen), Unpooled.wrappedBuffer(data), Unpooled.wrappedBuffer(tail, 0, tailLen))));
  }
}
