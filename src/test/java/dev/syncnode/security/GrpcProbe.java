package dev.syncnode.security;

import static dev.syncnode.it.Cluster.await;

import dev.syncnode.proto.FileDownloadRequest;
import dev.syncnode.proto.FileScanRequest;
import dev.syncnode.proto.SyncServiceGrpcClient;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientOptions;
import io.vertx.grpc.client.GrpcClientRequest;
import io.vertx.grpc.client.GrpcClientResponse;
import io.vertx.grpc.common.GrpcStatus;
import java.io.ByteArrayOutputStream;
import java.util.function.Supplier;

/** A plain gRPC client for probing a node: every call ends in a {@link Result}, never an exception. */
final class GrpcProbe implements AutoCloseable {
  /** status null: the call failed below gRPC (connection refused, reset, TLS); error says how. */
  record Result(GrpcStatus status, String message, byte[] data, int messages, String error) {
    boolean ok() {
      return status == GrpcStatus.OK;
    }

    @Override
    public String toString() {
      return "status=" + status + " message=" + message + " bytes=" + data.length + " messages=" + messages
          + (error == null ? "" : " error=" + error);
    }
  }

  private final GrpcClient client;
  private final SocketAddress address;
  private final Context context;

  GrpcProbe(Vertx vertx, int port, HttpClientOptions http) {
    this.context = vertx.getOrCreateContext();
    this.address = SocketAddress.inetSocketAddress(port, "127.0.0.1");
    http.setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false);
    this.client = GrpcClient.client(vertx, new GrpcClientOptions(), http);
  }

  GrpcProbe(Vertx vertx, int port) {
    this(vertx, port, new HttpClientOptions());
  }

  Result scan(FileScanRequest request, String authorization) throws Exception {
    return onContext(() -> client.request(address, SyncServiceGrpcClient.StreamFileScan)
        .compose(req -> {
          auth(req, authorization);
          return req.send(request).compose(resp -> collect(resp, c -> c.toByteArray()));
        }));
  }

  Result download(FileDownloadRequest request, String authorization) throws Exception {
    return onContext(() -> client.request(address, SyncServiceGrpcClient.StreamFileDownload)
        .compose(req -> {
          auth(req, authorization);
          return req.send(request).compose(resp -> collect(resp, c -> c.getData().toByteArray()));
        }));
  }

  /** Any bytes as the request message of {@code fullMethodName}. */
  Result raw(String fullMethodName, Buffer message) throws Exception {
    return onContext(() -> client.request(address)
        .compose(req -> {
          req.fullMethodName(fullMethodName);
          return req.send(message).compose(resp -> collect(resp, b -> b.getBytes()));
        }));
  }

  /**
   * Runs a call on the probe's one context: started from the test thread, the response's handler
   * could be set by a task queued behind the response's first messages, which were then lost.
   */
  private Result onContext(Supplier<Future<Result>> call) throws Exception {
    Promise<Result> done = Promise.promise();
    context.runOnContext(v -> call.get().recover(GrpcProbe::failed).onComplete(done));
    return await(done.future());
  }

  private static void auth(GrpcClientRequest<?, ?> req, String authorization) {
    if (authorization != null) {
      req.headers().set("authorization", authorization);
    }
  }

  private static <T> Future<Result> collect(GrpcClientResponse<?, T> resp, java.util.function.Function<T, byte[]> bytes) {
    Promise<Result> p = Promise.promise();
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    int[] n = {0};
    resp.handler(m -> {
      n[0]++;
      data.writeBytes(bytes.apply(m));
    });
    resp.end().onComplete(ar -> p.complete(new Result(resp.status(), message(resp), data.toByteArray(), n[0],
        ar.failed() ? String.valueOf(ar.cause()) : null)));
    return p.future();
  }

  private static String message(GrpcClientResponse<?, ?> resp) {
    String m = dev.syncnode.transport.grpc.client.GrpcFailures.statusMessage(resp);
    return m == null ? "" : m;
  }

  private static Future<Result> failed(Throwable err) {
    return Future.succeededFuture(new Result(null, "", new byte[0], 0, String.valueOf(err)));
  }

  @Override
  public void close() throws Exception {
    await(client.close());
  }
}
