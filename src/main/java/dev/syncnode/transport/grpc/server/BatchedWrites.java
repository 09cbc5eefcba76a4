package dev.syncnode.transport.grpc.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.grpc.server.GrpcServerResponse;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes many gRPC messages of one response as one HTTP/2 write: each message gets its 5-byte
 * length prefix, and the lot goes to the response's HTTP stream as one buffer, so one flush and a
 * few {@code writev} calls carry a round instead of one of each per message. The small parts of all
 * messages (prefixes and the fields around each piece) are put side by side in one buffer of the
 * round; the pieces' bytes are not copied. When every piece is in direct memory (cached pieces
 * are), so is that buffer, and the socket gathers the round straight from where it lies; a round
 * with any heap bytes is copied into direct memory by Netty, as any heap buffer is. The bytes on the
 * wire are what {@link GrpcServerResponse#writeMessage} would send (uncompressed gRPC framing).
 * Vert.x 5.0 keeps the HTTP response of a gRPC response private, hence the reflection; without it
 * ({@link #available} false) every message is written on its own, as before.
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
  static Future<Void> write(GrpcServerResponse<?, ?> resp, List<WireMessage> messages) {
    HttpServerResponse http = http(resp);
    if (http == null || messages.size() < 2) {
      Future<Void> last = Future.succeededFuture();
      for (WireMessage m : messages) {
        last = resp.writeMessage(m.grpc());
      }
      return last;
    }
    if (!http.headWritten()) {
      resp.writeHead(); // the gRPC headers (content type), sent through the gRPC response's own state
    }
    return http.write(BufferInternal.buffer(round(messages)));
  }

  /** The messages, framed, as one buffer: the small parts from one buffer of the round, the pieces wrapped. */
  static ByteBuf round(List<WireMessage> messages) {
    int small = 0;
    boolean direct = true;
    for (WireMessage m : messages) {
      small += PREFIX + m.head().length + m.tail().length;
      direct &= m.data().isDirect() || !m.data().hasRemaining();
    }
    ByteBuffer parts = direct ? ByteBuffer.allocateDirect(small) : ByteBuffer.allocate(small);
    List<ByteBuf> out = new ArrayList<>(2 * messages.size() + 1);
    int from = 0;
    for (WireMessage m : messages) {
      parts.put((byte) 0).putInt(m.size()).put(m.head());
      if (m.data().hasRemaining()) {
        out.add(Unpooled.wrappedBuffer(parts.duplicate().position(from).limit(parts.position()).slice()));
        out.add(Unpooled.wrappedBuffer(m.data().duplicate()));
        from = parts.position();
      }
      parts.put(m.tail());
    }
    out.add(Unpooled.wrappedBuffer(parts.duplicate().position(from).limit(parts.position()).slice()));
    return Unpooled.wrappedBuffer(out.size(), out.toArray(new ByteBuf[0]));
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
