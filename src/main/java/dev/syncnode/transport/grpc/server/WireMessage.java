package dev.syncnode.transport.grpc.server;

import io.netty.buffer.Unpooled;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.grpc.common.GrpcMessage;
import java.nio.ByteBuffer;

/**
 * One encoded protobuf message in three parts: a few bytes of fields before the piece's bytes, the
 * piece's bytes (shared, read through a duplicate), and a few bytes of fields after them. Kept apart
 * so a round can put every message's small parts into one buffer of its own kind (direct when the
 * pieces are) without copying the pieces ({@link BatchedWrites}).
 */
record WireMessage(byte[] head, ByteBuffer data, byte[] tail) {
  /** The encoded message's length. */
  int size() {
    return head.length + data.remaining() + tail.length;
  }

  /** The message as Vert.x writes it on its own (parts wrapped, not copied). */
  GrpcMessage grpc() {
    return GrpcMessage.message("identity", BufferInternal.buffer(Unpooled.wrappedBuffer(
        Unpooled.wrappedBuffer(head), Unpooled.wrappedBuffer(data.duplicate()), Unpooled.wrappedBuffer(tail))));
  }
}
