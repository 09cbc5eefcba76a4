package dev.syncnode.transport.grpc.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.grpc.common.GrpcMessage;
import io.vertx.grpc.server.GrpcServerResponse;
import java.lang.reflect.Field;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes many gRPC messages of one response as one HTTP/2 write: each message gets its 5-byte
 * length prefix, and the lot goes to the response's HTTP stream as one buffer (the parts are
 * wrapped, not copied), so one flush and a few {@code writev} calls carry a round instead of one
 * of each per message. The bytes on the wire
 * are what {@link GrpcServerResponse#writeMessage} would send (uncompressed gRPC framing), and
 * Vert.x's copy of each message into a fresh framed buffer is saved. Vert.x 5.0 keeps the HTTP
 * response of a gRPC response private, hence the reflection; without it ({@link #available}
 * false) every message is written on its own, as before.
 */
final class BatchedWrites {
  private static final Logger LOG = LoggerFactory.getLogger(BatchedWrites.class);
  /** gRPC message prefix: one flag byte (0: not compressed) and a 4-byte big-endian length. */
  static final int PREFIX = 5;
  private static final Field HTTP_RESPONSE = find();

  private BatchedWrites() {}

  private static Field find() {
    try {
      Field f = Class.forName("io.vertx.grpc.server.impl.GrpcServerResponseImpl").getDeclaredField("httpResponse");
      f.setAccessible(true);
      return f;
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.info("gRPC responses are written a message at a time ({})", e.toString());
      return null;
    }
  }

  /** Whether rounds are written as one HTTP/2 write each. */
  static boolean available() {
    return HTTP_RESPONSE != null;
  }

  /**
   * Writes the messages, uncompressed (their encoding must be identity), in one write of the
   * response's HTTP stream after its headers, or one by one when that stream cannot be reached.
   */
  static Future<Void> write(GrpcServerResponse<?, ?> resp, List<GrpcMessage> messages) {
    HttpServerResponse http = http(resp);
    if (http == null || messages.size() < 2) {
      Future<Void> last = Future.succeededFuture();
      for (GrpcMessage m : messages) {
        last = resp.writeMessage(m);
      }
      return last;
    }
    if (!http.headWritten()) {
      resp.writeHead(); // the gRPC headers (content type), sent through the gRPC response's own state
    }
    ByteBuf[] parts = new ByteBuf[messages.size() * 2];
    int i = 0;
    for (GrpcMessage m : messages) {
      ByteBuf body = ((BufferInternal) m.payload()).getByteBuf();
      parts[i++] = Unpooled.buffer(PREFIX, PREFIX).writeByte(0).writeInt(body.readableBytes());
      parts[i++] = body;
    }
    // heap parts, not a copy into pooled direct memory: that measured more system time (allocator churn)
    return http.write(BufferInternal.buffer(Unpooled.wrappedBuffer(parts.length, parts)));
  }

  private static HttpServerResponse http(GrpcServerResponse<?, ?> resp) {
    if (HTTP_RESPONSE == null || !HTTP_RESPONSE.getDeclaringClass().isInstance(resp)) {
      return null;
    }
    try {
      return (HttpServerResponse) HTTP_RESPONSE.get(resp);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }
}
