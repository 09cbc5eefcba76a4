package dev.syncnode.it;

import com.google.protobuf.ByteString;
import dev.syncnode.proto.SyncServiceGrpcClient;
import dev.syncnode.proto.SyncServiceGrpcService;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerResponse;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * A hostile man in the middle for integrity tests: a real gRPC server that forwards every call to
 * the master and flips one bit in the first byte of every piece of file content it passes on
 * (whole files, ranges and bulk streams alike). Manifests and block hashes pass untouched, so the
 * worker plans with correct hashes and receives corrupt blocks.
 */
public final class TamperingGrpcProxy implements AutoCloseable {
  private final Vertx vertx = Vertx.vertx();
  private final GrpcClient client;
  private final SocketAddress target;
  private final HttpServer http;
  public final AtomicInteger tampered = new AtomicInteger();
  public final AtomicInteger blockHashCalls = new AtomicInteger();

  public TamperingGrpcProxy(int masterGrpcPort) throws Exception {
    target = SocketAddress.inetSocketAddress(masterGrpcPort, "127.0.0.1");
    client = GrpcClient.client(vertx, new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
        .setHttp2ClearTextUpgrade(false));
    GrpcServer server = GrpcServer.server(vertx);
    forward(server, SyncServiceGrpcService.StreamFileScan, SyncServiceGrpcClient.StreamFileScan, m -> m);
    forward(server, SyncServiceGrpcService.StreamBlockHashes, SyncServiceGrpcClient.StreamBlockHashes, m -> {
      blockHashCalls.incrementAndGet();
      return m;
    });
    forward(server, SyncServiceGrpcService.StreamFileDownload, SyncServiceGrpcClient.StreamFileDownload,
        c -> c.getData().isEmpty() ? c : c.toBuilder().setData(flip(c.getData())).build());
    forward(server, SyncServiceGrpcService.StreamFiles, SyncServiceGrpcClient.StreamFiles,
        d -> d.getData().isEmpty() ? d : d.toBuilder().setData(flip(d.getData())).build());
    http = vertx.createHttpServer().requestHandler(server);
    Cluster.await(http.listen(0, "127.0.0.1"));
  }

  private ByteString flip(ByteString data) {
    tampered.incrementAndGet();
    byte[] b = data.toByteArray();
    b[0] ^= 1;
    return ByteString.copyFrom(b);
  }

  private <Req, Resp> void forward(GrpcServer server, ServiceMethod<Req, Resp> serverMethod,
      ServiceMethod<Resp, Req> clientMethod, UnaryOperator<Resp> change) {
    server.callHandler(serverMethod, req -> req.last().onSuccess(msg -> {
      GrpcServerResponse<Req, Resp> resp = req.response();
      client.request(target, clientMethod).compose(creq -> creq.send(msg)).onSuccess(cresp -> {
        cresp.handler(m -> resp.write(change.apply(m)));
        cresp.end().onComplete(ar -> {
          if (ar.succeeded()) {
            resp.end();
          } else {
            resp.status(cresp.status() == null ? GrpcStatus.UNKNOWN : cresp.status()).end();
          }
        });
      }).onFailure(err -> resp.status(GrpcStatus.UNAVAILABLE).end());
    }));
  }

  public int port() {
    return http.actualPort();
  }

  @Override
  public void close() throws Exception {
    Cluster.await(vertx.close());
  }
}
