package dev.syncnode.transport.grpc.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.ByteString;
import dev.syncnode.proto.Compression;
import dev.syncnode.proto.FileData;
import io.vertx.core.buffer.Buffer;
import io.vertx.grpc.common.CodecException;
import io.vertx.grpc.common.GrpcMessage;
import io.vertx.grpc.common.GrpcMessageDecoder;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class AliasingDecoderTest {
  private final AliasingDecoder<FileData> decoder = new AliasingDecoder<>(FileData.parser());

  private static FileData sample() {
    byte[] data = new byte[100_000];
    Arrays.fill(data, (byte) 7);
    return FileData.newBuilder().setIndex(3).setOffset(1 << 20).setData(ByteString.copyFrom(data))
        .setCompression(Compression.ZSTD).setRawSize(123_456).setSize(9_999_999).setEof(true).build();
  }

  /** A message framed inside a larger buffer, as the deframer hands it over: a slice. */
  private static Buffer framed(FileData d) {
    return Buffer.buffer("head!").appendBytes(d.toByteArray()).appendString("tail").slice(5, 5 + d.getSerializedSize());
  }

  @Test
  void decodesWhatTheStockDecoderDecodes() {
    FileData d = sample();
    GrpcMessage msg = GrpcMessage.message("identity", framed(d));
    FileData stock = GrpcMessageDecoder.<FileData>decoder(FileData.newBuilder()).decode(msg);
    assertEquals(stock, decoder.decode(msg));
    assertEquals(d, decoder.decode(msg));
  }

  @Test
  void fileBytesAreAViewOfTheReceivedMessageNotACopy() {
    FileData d = FileData.newBuilder().setData(sample().getData()).build(); // data is the last field
    Buffer payload = framed(d);
    FileData got = decoder.decode(GrpcMessage.message("identity", payload));
    // the data field is the message's tail: change the received bytes there and the piece sees it
    payload.setByte(payload.length() - 1, (byte) 42);
    ByteBuffer view = got.getData().asReadOnlyByteBuffer();
    assertEquals(42, view.get(view.limit() - 1));
  }

  @Test
  void aCutMessageIsACodecError() {
    byte[] whole = sample().toByteArray();
    Buffer cut = Buffer.buffer(Arrays.copyOf(whole, whole.length - 10));
    assertThrows(CodecException.class, () -> decoder.decode(GrpcMessage.message("identity", cut)));
  }
}
