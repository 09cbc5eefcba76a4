package dev.syncnode.transport.grpc.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The batched path reaches the HTTP response behind Vert.x's gRPC response by reflection: a Vert.x
 * upgrade that renames it must fail here rather than leave the master quietly slower. A round's
 * buffer is the messages' gRPC framing byte for byte, and direct when its pieces are (the socket then
 * takes it without a copy); every test that downloads over gRPC checks the rest.
 */
class BatchedWritesTest {
  @Test
  void reachesTheHttpResponseOfVertxGrpcResponses() {
    assertTrue(BatchedWrites.available());
  }

  @Test
  void aRoundOfDirectPiecesIsDirectAndFramedAsVertxWould() {
    List<WireMessage> messages = List.of(
        message(new byte[] {8, 1}, direct(300), new byte[] {40, 2}),
        message(new byte[] {8, 2}, direct(0), new byte[0]),
        message(new byte[0], direct(5), new byte[] {56, 1}));
    ByteBuf round = BatchedWrites.round(messages);
    assertTrue(round.isDirect(), "no piece on the heap: nothing for Netty to copy");
    assertArrayEquals(framed(messages), ByteBufUtil.getBytes(round));
    for (WireMessage m : messages) {
      assertEquals(0, m.data().position(), "a shared piece's position never moves");
    }
  }

  @Test
  void aRoundWithAHeapPieceIsFramedTheSame() {
    List<WireMessage> messages = List.of(
        message(new byte[] {8, 1}, direct(100), new byte[] {40, 2}),
        message(new byte[] {8, 2}, ByteBuffer.wrap(new byte[] {9, 9, 9}), new byte[] {1}));
    ByteBuf round = BatchedWrites.round(messages);
    assertFalse(round.isDirect());
    assertArrayEquals(framed(messages), ByteBufUtil.getBytes(round));
  }

  private static WireMessage message(byte[] head, ByteBuffer data, byte[] tail) {
    return new WireMessage(head, data, tail);
  }

  private static ByteBuffer direct(int n) {
    ByteBuffer b = ByteBuffer.allocateDirect(n);
    for (int i = 0; i < n; i++) {
      b.put((byte) (i * 7 + 3));
    }
    return b.flip().asReadOnlyBuffer();
  }

  /** What writing each message on its own sends: flag 0, big-endian length, the message. */
  private static byte[] framed(List<WireMessage> messages) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (WireMessage m : messages) {
      byte[] body = ByteBufUtil.getBytes(((io.vertx.core.internal.buffer.BufferInternal) m.grpc().payload()).getByteBuf());
      out.write(0);
      out.writeBytes(ByteBuffer.allocate(4).putInt(body.length).array());
      out.writeBytes(body);
    }
    return out.toByteArray();
  }
}
