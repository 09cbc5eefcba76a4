package dev.syncnode.security;

import static dev.syncnode.it.Cluster.await;

import com.google.protobuf.ByteString;
import dev.syncnode.proto.EntryType;
import dev.syncnode.proto.FileDownloadChunk;
import dev.syncnode.proto.FileDownloadRequest;
import dev.syncnode.proto.FileEntry;
import dev.syncnode.proto.FileScanChunk;
import dev.syncnode.proto.FileScanRequest;
import dev.syncnode.proto.SyncServiceGrpcService;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerRequest;
import io.vertx.grpc.server.GrpcServerResponse;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * A hostile or buggy master: a vertx-grpc server on a loopback port whose scan and download answers
 * are whatever the test sets, built from the generated service methods.
 */
final class FakeMaster implements AutoCloseable {
  final Vertx vertx = Vertx.vertx();
  private final HttpServer server;
  volatile Handler<GrpcServerRequest<FileScanRequest, FileScanChunk>> scan = r -> r.response().end();
  volatile Handler<GrpcServerRequest<FileDownloadRequest, FileDownloadChunk>> download = r -> r.response().end();

  FakeMaster() throws Exception {
    GrpcServer grpc = GrpcServer.server(vertx);
    grpc.callHandler(SyncServiceGrpcService.StreamFileScan, r -> scan.handle(r));
    grpc.callHandler(SyncServiceGrpcService.StreamFileDownload, r -> download.handle(r));
    server = await(vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0))
        .requestHandler(grpc).listen());
  }

  String address() {
    return "127.0.0.1:" + server.actualPort();
  }

  @Override
  public void close() throws Exception {
    await(vertx.close());
  }

  // ---- building blocks for hostile answers ----

  static FileEntry file(String path, byte[] content) {
    return FileEntry.newBuilder().setPath(path).setType(EntryType.FILE).setSize(content.length)
        .setMode(0644).setMtime(1_700_000_000_000L).setHash(sha256(content)).build();
  }

  static FileEntry dir(String path) {
    return FileEntry.newBuilder().setPath(path).setType(EntryType.DIR).setMode(0755)
        .setMtime(1_700_000_000_000L).build();
  }

  static FileEntry link(String path, String target) {
    return FileEntry.newBuilder().setPath(path).setType(EntryType.SYMLINK).setMode(0777)
        .setMtime(1_700_000_000_000L).setTarget(target).build();
  }

  static FileScanChunk chunk(List<FileEntry> entries, long total, boolean last) {
    return FileScanChunk.newBuilder().addAllEntries(entries).setTotal(total).setDigest("d").setLast(last).build();
  }

  /** One last chunk with every entry. */
  static Handler<GrpcServerRequest<FileScanRequest, FileScanChunk>> manifest(List<FileEntry> entries) {
    return req -> req.last().onSuccess(r -> req.response().end(chunk(entries, entries.size(), true)));
  }

  /** Serves the given contents by path, from the requested offset, in 64 KiB chunks. */
  static Handler<GrpcServerRequest<FileDownloadRequest, FileDownloadChunk>> files(Map<String, byte[]> contents) {
    return req -> req.last().onSuccess(r -> {
      GrpcServerResponse<FileDownloadRequest, FileDownloadChunk> resp = req.response();
      byte[] data = contents.get(r.getPath());
      if (data == null) {
        resp.status(io.vertx.grpc.common.GrpcStatus.NOT_FOUND).statusMessage("no such file").end();
        return;
      }
      for (int off = (int) r.getOffset(); off < data.length; off += 65536) {
        int n = Math.min(65536, data.length - off);
        resp.write(FileDownloadChunk.newBuilder().setData(ByteString.copyFrom(data, off, n)).setOffset(off)
            .setSize(data.length).build());
      }
      resp.end();
    });
  }

  static String sha256(byte[] content) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
