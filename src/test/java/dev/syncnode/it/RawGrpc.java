package dev.syncnode.it;

import dev.syncnode.proto.FileData;
import dev.syncnode.proto.FileDownloadChunk;
import dev.syncnode.proto.FileDownloadRequest;
import dev.syncnode.proto.FileScanChunk;
import dev.syncnode.proto.FileScanRequest;
import dev.syncnode.proto.FilesRequest;
import dev.syncnode.proto.SyncServiceGrpcClient;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientOptions;
import io.vertx.grpc.client.GrpcClientResponse;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/** A plain gRPC client (vertx-grpc low-level API) for poking the master's endpoint directly. */
public final class RawGrpc implements AutoCloseable {
  /** Everything a call produced: its messages, then its status. */
  public record Result<T>(GrpcStatus status, String message, List<T> messages) {}

  private final Vertx vertx;
  private final Context context;
  private final GrpcClient client;
  private final SocketAddress address;

  public RawGrpc(int port) {
    this.vertx = Vertx.vertx();
    this.context = vertx.getOrCreateContext();
    this.client = GrpcClient.client(vertx, new GrpcClientOptions(),
        new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false));
    this.address = SocketAddress.inetSocketAddress(port, "127.0.0.1");
  }

  public Result<FileScanChunk> scan(String spiderId, String path) throws Exception {
    return Cluster.await(call(SyncServiceGrpcClient.StreamFileScan,
        FileScanRequest.newBuilder().setSpiderId(spiderId).setPath(path).setNodeKey("raw-test").build()));
  }

  public Result<FileDownloadChunk> download(String spiderId, String path, long offset) throws Exception {
    return download(spiderId, path, offset, false, false);
  }

  /** A whole-file or tail download accepting the given codecs. */
  public Result<FileDownloadChunk> download(String spiderId, String path, long offset, boolean acceptZstd,
      boolean acceptDeflate) throws Exception {
    return Cluster.await(call(SyncServiceGrpcClient.StreamFileDownload,
        FileDownloadRequest.newBuilder().setSpiderId(spiderId).setPath(path).setOffset(offset)
            .setAcceptZstd(acceptZstd).setAcceptDeflate(acceptDeflate).build()));
  }

  /** The bulk call: {@code paths} of a spider in one stream. */
  public Result<FileData> files(String spiderId, List<String> paths, boolean acceptDeflate) throws Exception {
    return files(spiderId, paths, false, acceptDeflate);
  }

  /** The bulk call accepting the given codecs. */
  public Result<FileData> files(String spiderId, List<String> paths, boolean acceptZstd, boolean acceptDeflate)
      throws Exception {
    return Cluster.await(call(SyncServiceGrpcClient.StreamFiles, FilesRequest.newBuilder().setSpiderId(spiderId)
        .addAllPaths(paths).setAcceptZstd(acceptZstd).setAcceptDeflate(acceptDeflate).setNodeKey("raw-test")
        .build()));
  }

  /**
   * Starts the bulk call, stops reading at its first message and cancels the call (an HTTP/2 reset),
   * as a worker that goes away mid-stream does. Completes once the reset is sent.
   */
  public void filesAbandoned(String spiderId, List<String> paths) throws Exception {
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> client.request(address, SyncServiceGrpcClient.StreamFiles).onSuccess(req ->
        req.send(FilesRequest.newBuilder().setSpiderId(spiderId).addAllPaths(paths).setNodeKey("raw-test").build())
            .onSuccess(resp -> resp.handler(first -> {
              resp.pause();
              req.cancel();
              done.tryComplete();
            }))
            .onFailure(done::tryFail))
        .onFailure(done::tryFail));
    Cluster.await(done.future());
  }

  /** The concatenated data of a download result. */
  public static byte[] bytes(Result<FileDownloadChunk> r) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (FileDownloadChunk c : r.messages()) {
      out.writeBytes(c.getData().toByteArray());
    }
    return out.toByteArray();
  }

  /**
   * Runs the call on the client's one context: started from the test thread, the response's handler
   * could be set by a task queued behind the response's first messages, which were then lost.
   */
  public <Req, Resp> Future<Result<Resp>> call(ServiceMethod<Resp, Req> method, Req request) {
    Promise<Result<Resp>> done = Promise.promise();
    context.runOnContext(v -> client.request(address, method).compose(req -> req.send(request)).onSuccess(resp -> {
      List<Resp> got = new ArrayList<>();
      resp.handler(got::add);
      resp.end().onComplete(ar -> done.complete(new Result<>(resp.status(), message(resp), List.copyOf(got))));
    }).onFailure(done::fail));
    return done.future();
  }

  private static String message(GrpcClientResponse<?, ?> resp) {
    String m = resp.statusMessage();
    if (m == null && resp.trailers() != null) {
      m = resp.trailers().get("grpc-message");
    }
    return m == null ? "" : io.netty.handler.codec.http.QueryStringDecoder.decodeComponent(m);
  }

  @Override
  public void close() throws Exception {
    Cluster.await(client.close().compose(v -> vertx.close()));
  }
}
