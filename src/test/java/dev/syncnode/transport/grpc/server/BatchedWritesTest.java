package dev.syncnode.transport.grpc.server;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The batched path reaches the HTTP response behind Vert.x's gRPC response by reflection: a Vert.x
 * upgrade that renames it must fail here rather than leave the master quietly slower. What the
 * batched writes put on the wire is checked by every test that downloads over gRPC.
 */
class BatchedWritesTest {
  @Test
  void reachesTheHttpResponseOfVertxGrpcResponses() {
    assertTrue(BatchedWrites.available());
  }
}
