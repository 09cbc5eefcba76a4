package dev.syncnode.transport.grpc.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.syncnode.transport.TransportException.Kind;
import dev.syncnode.transport.TransportException;
import io.vertx.core.VertxException;
import io.vertx.core.http.StreamResetException;
import io.vertx.grpc.common.GrpcStatus;
import java.io.IOException;
import java.net.ConnectException;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

/** How the worker's gRPC calls classify what went wrong: pure mapping, no sockets. */
class GrpcFailuresTest {
  @Test
  void aTransportExceptionPassesThroughUnchanged() {
    TransportException te = new TransportException(Kind.INTEGRITY, "hash mismatch");
    assertSame(te, GrpcFailures.classify("download of s/a", te));
    GrpcFailures.Unimplemented old = new GrpcFailures.Unimplemented();
    assertSame(old, GrpcFailures.classify("download of 3 files of s", old), "so a caller can still fall back");
  }

  @Test
  void connectionFailuresAreUnavailable() {
    for (Throwable err : new Throwable[] {new ConnectException("Connection refused"), new StreamResetException(8),
        new IOException("reset by peer"), VertxException.noStackTrace("Connection was closed")}) {
      TransportException te = GrpcFailures.classify("scan of s", err);
      assertEquals(Kind.UNAVAILABLE, te.kind(), err.toString());
      assertTrue(te.getMessage().startsWith("scan of s failed: master unreachable over gRPC ("), te.getMessage());
      assertSame(err, te.getCause());
    }
  }

  @Test
  void timeoutsAreTimeouts() {
    assertEquals(Kind.TIMEOUT, GrpcFailures.classify("scan of s", new TimeoutException("slow")).kind());
  }

  @Test
  void theRootCauseIsNamed() {
    Exception err = new IllegalStateException("handshake", new SSLHandshakeException("unknown certificate"));
    TransportException te = GrpcFailures.classify("scan of s", err);
    assertEquals(Kind.UNAVAILABLE, te.kind());
    assertEquals("scan of s failed over gRPC (IllegalStateException: handshake; unknown certificate)", te.getMessage());
  }

  @Test
  void statusesMapToKindsAndAreNamed() {
    assertEquals(Kind.NOT_FOUND, GrpcFailures.status(GrpcStatus.NOT_FOUND, "no spider x").kind());
    assertEquals("gRPC NOT_FOUND: no spider x", GrpcFailures.status(GrpcStatus.NOT_FOUND, "no spider x").getMessage());
    assertEquals(Kind.INVALID, GrpcFailures.status(GrpcStatus.INVALID_ARGUMENT, null).kind());
    assertEquals(Kind.INVALID, GrpcFailures.status(GrpcStatus.OUT_OF_RANGE, null).kind());
    assertEquals(Kind.UNAUTHENTICATED, GrpcFailures.status(GrpcStatus.UNAUTHENTICATED, null).kind());
    assertEquals(Kind.UNAUTHENTICATED, GrpcFailures.status(GrpcStatus.PERMISSION_DENIED, null).kind());
    assertEquals(Kind.UNAVAILABLE, GrpcFailures.status(GrpcStatus.UNAVAILABLE, null).kind());
    assertEquals(Kind.UNAVAILABLE, GrpcFailures.status(GrpcStatus.UNIMPLEMENTED, null).kind());
    assertEquals(Kind.BUSY, GrpcFailures.status(GrpcStatus.RESOURCE_EXHAUSTED, null).kind());
    assertEquals(Kind.TIMEOUT, GrpcFailures.status(GrpcStatus.DEADLINE_EXCEEDED, null).kind());
    assertEquals(Kind.PROTOCOL, GrpcFailures.status(GrpcStatus.INTERNAL, null).kind());
    assertEquals("gRPC UNKNOWN", GrpcFailures.status(null, null).getMessage());
  }
}
