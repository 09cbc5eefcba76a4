package dev.syncnode.it;

import com.google.protobuf.ByteString;
import dev.syncnode.proto.Compression;
import dev.syncnode.proto.SyncServiceGrpcClient;
import dev.syncnode.proto.SyncServiceGrpcService;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientRequest;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerResponse;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * A faithful man in the middle for compression tests: a real gRPC server that forwards every call to
 * the master unchanged and records what the codec negotiation looked like on the wire, namely the
 * codecs each transfer request offered and the compression of every non-empty piece of file content
 * that came back (bulk streams and whole-file or ranged downloads alike).
 */
public final class CodecTap implements AutoCloseable {
  /** What one transfer request ({@code StreamFiles} or {@code StreamFileDownload}) accepted. */
  public record Offer(String call, boolean zstd, boolean deflate) {}

  private final Vertx vertx = Vertx.vertx();
  private final GrpcClient client;
  private final SocketAddress master;
  private final HttpServer http;
  private final Set<Offer> offers = ConcurrentHashMap.newKeySet();
  private final Map<Compression, LongAdder> pieces = new ConcurrentHashMap<>();

  public CodecTap(int masterGrpcPort) throws Exception {
    master = SocketAddress.inetSocketAddress(masterGrpcPort, "127.0.0.1");
    client = GrpcClient.client(vertx, new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
        .setHttp2ClearTextUpgrade(false));
    GrpcServer server = GrpcServer.server(vertx);
    forward(server, SyncServiceGrpcService.StreamFileScan, SyncServiceGrpcClient.StreamFileScan, r -> {}, m -> {});
    forward(server, SyncServiceGrpcService.StreamBlockHashes, SyncServiceGrpcClient.StreamBlockHashes,
        r -> {}, m -> {});
    forward(server, SyncServiceGrpcService.StreamFiles, SyncServiceGrpcClient.StreamFiles,
        r -> offers.add(new Offer("StreamFiles", r.getAcceptZstd(), r.getAcceptDeflate())),
        d -> piece(d.getCompression(), d.getData()));
    forward(server, SyncServiceGrpcService.StreamFileDownload, SyncServiceGrpcClient.StreamFileDownload,
        r -> offers.add(new Offer("StreamFileDownload", r.getAcceptZstd(), r.getAcceptDeflate())),
        c -> piece(c.getCompression(), c.getData()));
    http = vertx.createHttpServer().requestHandler(server);
    Cluster.await(http.listen(0, "127.0.0.1"));
  }

  private void piece(Compression codec, ByteString data) {
    if (!data.isEmpty()) {
      pieces.computeIfAbsent(codec, c -> new LongAdder()).increment();
    }
  }

  private <Req, Resp> void forward(GrpcServer server, ServiceMethod<Req, Resp> serverMethod,
      ServiceMethod<Resp, Req> clientMethod, Consumer<Req> noteRequest, Consumer<Resp> noteResponse) {
    server.callHandler(serverMethod, req -> req.last().onSuccess(msg -> {
      noteRequest.accept(msg);
      new Relay<>(req.response(), noteResponse).start(clientMethod, msg);
    }));
  }

  /**
   * One call passed on: the master's messages go back to the worker until the master ends the call,
   * or the worker goes away (it cancels a call when a piece is bad), which cancels the master's call.
   * As in the master's own service, a write may find the worker's stream failed before the response's
   * exception handler ran.
   */
  private final class Relay<Req, Resp> {
    private final GrpcServerResponse<Req, Resp> toWorker;
    private final Consumer<Resp> noteResponse;
    private final AtomicBoolean workerGone = new AtomicBoolean();
    private final AtomicReference<GrpcClientRequest<Req, Resp>> toMaster = new AtomicReference<>();

    Relay(GrpcServerResponse<Req, Resp> toWorker, Consumer<Resp> noteResponse) {
      this.toWorker = toWorker;
      this.noteResponse = noteResponse;
      toWorker.exceptionHandler(err -> workerWentAway());
    }

    void start(ServiceMethod<Resp, Req> method, Req msg) {
      client.request(master, method).compose(creq -> {
        toMaster.set(creq);
        if (workerGone.get()) {
          creq.cancel();
        }
        return creq.send(msg);
      }).onSuccess(cresp -> {
        cresp.handler(m -> {
          noteResponse.accept(m);
          toWorker(() -> toWorker.write(m));
        });
        cresp.end().onComplete(ar -> toWorker(() -> toWorker.status(ar.succeeded() ? GrpcStatus.OK
            : cresp.status() == null ? GrpcStatus.UNKNOWN : cresp.status()).end()));
      }).onFailure(err -> toWorker(() -> toWorker.status(GrpcStatus.UNAVAILABLE).end()));
    }

    private void toWorker(Runnable send) {
      if (workerGone.get()) {
        return;
      }
      try {
        send.run();
      } catch (IllegalStateException failed) {
        workerWentAway();
      }
    }

    private void workerWentAway() {
      if (workerGone.compareAndSet(false, true)) {
        GrpcClientRequest<Req, Resp> call = toMaster.get();
        if (call != null) {
          call.cancel();
        }
      }
    }
  }

  /** {@code host:port} for a worker's {@code master.grpc}. */
  public String address() {
    return "127.0.0.1:" + http.actualPort();
  }

  /** The distinct offers of the transfer requests so far. */
  public Set<Offer> offers() {
    return Set.copyOf(offers);
  }

  /** How many non-empty pieces came back per compression so far. */
  public Map<Compression, Long> pieces() {
    Map<Compression, Long> out = new EnumMap<>(Compression.class);
    pieces.forEach((c, n) -> out.put(c, n.sum()));
    return out;
  }

  @Override
  public void close() throws Exception {
    Cluster.await(client.close().compose(v -> vertx.close()));
  }
}
