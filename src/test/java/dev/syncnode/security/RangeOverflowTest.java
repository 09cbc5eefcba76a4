package dev.syncnode.security;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.syncnode.it.Cluster;
import dev.syncnode.it.RawGrpc;
import dev.syncnode.it.Trees;
import dev.syncnode.proto.FileDownloadChunk;
import dev.syncnode.proto.FileDownloadRequest;
import dev.syncnode.proto.SyncServiceGrpcClient;
import io.vertx.grpc.common.GrpcStatus;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Byte ranges at the edges of {@code long} (issue 12, item 12): no overflow of offset + length. */
class RangeOverflowTest {
  @TempDir Path tmp;

  @Test
  void grpcRangesNearLongMaxAreServedOrRefusedNotOverflowed() throws Exception {
    byte[] content = Trees.random(3, 5000);
    Trees.write(tmp.resolve("ws/s"), "f.bin", content);
    try (Nodes.Master master = new Nodes.Master(tmp.resolve("ws"), c -> c);
        RawGrpc grpc = new RawGrpc(master.node.grpcPort())) {
      RawGrpc.Result<FileDownloadChunk> tail = download(grpc, 10, Long.MAX_VALUE);
      assertEquals(GrpcStatus.OK, tail.status(), tail.message());
      assertArrayEquals(Arrays.copyOfRange(content, 10, content.length), RawGrpc.bytes(tail));
      RawGrpc.Result<FileDownloadChunk> none = download(grpc, content.length, Long.MAX_VALUE);
      assertEquals(GrpcStatus.OK, none.status(), none.message());
      assertEquals(0, RawGrpc.bytes(none).length);
      RawGrpc.Result<FileDownloadChunk> far = download(grpc, Long.MAX_VALUE, Long.MAX_VALUE);
      assertEquals(GrpcStatus.INVALID_ARGUMENT, far.status(), far.message());
    }
  }

  static RawGrpc.Result<FileDownloadChunk> download(RawGrpc grpc, long offset, long length) throws Exception {
    return Cluster.await(grpc.call(SyncServiceGrpcClient.StreamFileDownload, FileDownloadRequest.newBuilder()
        .setSpiderId("s").setPath("f.bin").setOffset(offset).setLength(length).build()));
  }
}
