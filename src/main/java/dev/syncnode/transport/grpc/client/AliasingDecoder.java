package dev.syncnode.transport.grpc.client;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Parser;
import com.google.protobuf.UnsafeByteOperations;
import io.netty.buffer.ByteBuf;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.grpc.common.CodecException;
import io.vertx.grpc.common.GrpcMessage;
import io.vertx.grpc.common.GrpcMessageDecoder;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.common.WireFormat;

/**
 * Decodes file-piece messages so that their {@code bytes} field is a view of the received message
 * instead of a copy: the stock decoder copies the payload into an array and protobuf copies the field
 * out of it again, two copies of every byte of every file on the event loop. Safe because a message's
 * payload is a fresh heap buffer per HTTP/2 frame (or a fresh copy where a message spans frames) that
 * nothing writes into after it was handed over; it stays alive while a piece refers to it.
 */
record AliasingDecoder<T>(Parser<T> parser) implements GrpcMessageDecoder<T> {
  /** {@code method} with this decoder for its answers (same service and method name). */
  static <Q, A> ServiceMethod<A, Q> method(ServiceMethod<A, Q> method, Parser<A> parser) {
    return ServiceMethod.client(method.serviceName(), method.methodName(), method.encoder(),
        new AliasingDecoder<>(parser));
  }

  @Override
  public T decode(GrpcMessage msg) throws CodecException {
    try {
      CodedInputStream in = wrap(msg.payload()).newCodedInput();
      in.enableAliasing(true);
      return parser.parseFrom(in);
    } catch (InvalidProtocolBufferException e) {
      throw new CodecException(e);
    }
  }

  /** The payload's bytes as an immutable view where it has an array, else as a copy. */
  private static com.google.protobuf.ByteString wrap(Buffer payload) {
    if (payload instanceof BufferInternal b) {
      ByteBuf buf = b.getByteBuf();
      if (buf.hasArray()) {
        return UnsafeByteOperations.unsafeWrap(buf.array(), buf.arrayOffset() + buf.readerIndex(), buf.readableBytes());
      }
    }
    return UnsafeByteOperations.unsafeWrap(payload.getBytes());
  }

  @Override
  public boolean accepts(WireFormat format) {
    return format == WireFormat.PROTOBUF;
  }
}
