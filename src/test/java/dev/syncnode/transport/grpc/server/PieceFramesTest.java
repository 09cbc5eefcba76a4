package dev.syncnode.transport.grpc.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import com.google.protobuf.ByteString;
import dev.syncnode.master.content.PieceReader.Piece;
import dev.syncnode.piece.PieceCodec.Codec;
import dev.syncnode.proto.Compression;
import dev.syncnode.proto.FileData;
import dev.syncnode.proto.FileDownloadChunk;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The hand-framed piece messages are byte for byte what protobuf writes for the same message. */
class PieceFramesTest {
  private static final List<Piece> PIECES = List.of(
      new Piece(0, 0, new byte[0], Codec.NONE, 0, 0, true),
      new Piece(0, 0, bytes(1), Codec.NONE, 1, 1, true),
      new Piece(3, 131072, bytes(131072), Codec.NONE, 131072, 400_000, false),
      new Piece(4095, 1L << 40, bytes(3000), Codec.ZSTD, 131072, (1L << 40) + 131072, true),
      new Piece(7, 128, bytes(200), Codec.DEFLATE, 300, 428, false),
      new Piece(1, 0, bytes(5), Codec.NONE, 5, 5, false));

  @Test
  void fileDataIsWhatProtobufWrites() {
    for (Piece p : PIECES) {
      byte[] expected = FileData.newBuilder().setIndex(p.index()).setOffset(p.offset())
          .setData(ByteString.copyFrom(p.data())).setCompression(wire(p.codec())).setRawSize(p.rawSize())
          .setSize(p.fileSize()).setEof(p.eof()).build().toByteArray();
      assertArrayEquals(expected, PieceFrames.fileData(p).payload().getBytes(), p.toString());
    }
  }

  @Test
  void downloadChunkIsWhatProtobufWrites() {
    for (Piece p : PIECES) {
      byte[] expected = FileDownloadChunk.newBuilder().setData(ByteString.copyFrom(p.data())).setOffset(p.offset())
          .setSize(p.fileSize()).setCompression(wire(p.codec())).setRawSize(p.rawSize()).build().toByteArray();
      assertArrayEquals(expected, PieceFrames.downloadChunk(p).payload().getBytes(), p.toString());
    }
  }

  private static Compression wire(Codec c) {
    return switch (c) {
      case NONE -> Compression.NONE;
      case DEFLATE -> Compression.DEFLATE;
      case ZSTD -> Compression.ZSTD;
    };
  }

  private static byte[] bytes(int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (i * 31 + 7);
    }
    return b;
  }
}
