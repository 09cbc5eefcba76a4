package dev.syncnode.it;

import com.google.protobuf.ByteString;
import dev.syncnode.manifest.EntryType;
import dev.syncnode.manifest.FileEntry;
import dev.syncnode.manifest.Manifest;
import dev.syncnode.proto.FileDownloadChunk;
import dev.syncnode.proto.FileDownloadRequest;
import dev.syncnode.proto.FileScanChunk;
import dev.syncnode.proto.FileScanRequest;
import dev.syncnode.proto.SyncServiceGrpcService;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerRequest;
import io.vertx.grpc.server.GrpcServerResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scripted master on a real gRPC server (port 0): it answers StreamFileScan with whatever manifest
 * the test sets (hostile, inconsistent, cut) and StreamFileDownload with whatever bytes the test sets
 * per path, whether or not they match the manifest.
 */
public final class FakeMaster implements AutoCloseable {
  /** How the manifest stream ends. */
  public enum Ending { NORMAL, NO_LAST_CHUNK, FEWER_THAN_TOTAL }

  public final Vertx vertx = Vertx.vertx();
  public final AtomicInteger scans = new AtomicInteger();
  public final List<String> downloads = new CopyOnWriteArrayList<>();
  private final Map<String, byte[]> content = new ConcurrentHashMap<>();
  private volatile List<FileEntry> manifest = List.of();
  private volatile Ending ending = Ending.NORMAL;
  private final HttpServer server;

  public FakeMaster() throws Exception {
    GrpcServer grpc = GrpcServer.server(vertx);
    grpc.callHandler(SyncServiceGrpcService.StreamFileScan, this::onScan);
    grpc.callHandler(SyncServiceGrpcService.StreamFileDownload, this::onDownload);
    server = Cluster.await(vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0))
        .requestHandler(grpc).listen());
  }

  public String address() {
    return "127.0.0.1:" + server.actualPort();
  }

  public FakeMaster manifest(List<FileEntry> entries) {
    this.manifest = List.copyOf(entries);
    return this;
  }

  public FakeMaster ending(Ending e) {
    this.ending = e;
    return this;
  }

  /** Bytes served for {@code path}, whatever the manifest says about it. */
  public FakeMaster serve(String path, byte[] bytes) {
    content.put(path, bytes);
    return this;
  }

  private void onScan(GrpcServerRequest<FileScanRequest, FileScanChunk> req) {
    req.last().onSuccess(r -> {
      scans.incrementAndGet();
      GrpcServerResponse<FileScanRequest, FileScanChunk> resp = req.response();
      List<FileEntry> entries = manifest;
      String digest = Manifest.of(r.getSpiderId(), "", entries).digest();
      long total = ending == Ending.FEWER_THAN_TOTAL ? entries.size() + 1 : entries.size();
      int chunk = 2;
      List<FileScanChunk> chunks = new ArrayList<>();
      for (int i = 0; i < entries.size() || chunks.isEmpty(); i += chunk) {
        FileScanChunk.Builder b = FileScanChunk.newBuilder().setIndex(chunks.size()).setTotal(total).setDigest(digest);
        for (FileEntry e : entries.subList(i, Math.min(entries.size(), i + chunk))) {
          b.addEntries(toProto(e));
        }
        chunks.add(b.build());
      }
      if (ending == Ending.NO_LAST_CHUNK) {
        chunks.forEach(resp::write);
        resp.end();
        return;
      }
      int lastIdx = chunks.size() - 1;
      for (int i = 0; i < lastIdx; i++) {
        resp.write(chunks.get(i));
      }
      resp.end(chunks.get(lastIdx).toBuilder().setLast(true).build());
    });
  }

  private void onDownload(GrpcServerRequest<FileDownloadRequest, FileDownloadChunk> req) {
    req.last().onSuccess(r -> {
      downloads.add(r.getPath());
      GrpcServerResponse<FileDownloadRequest, FileDownloadChunk> resp = req.response();
      byte[] bytes = content.get(r.getPath());
      if (bytes == null) {
        resp.status(GrpcStatus.NOT_FOUND).statusMessage("no such file").end();
        return;
      }
      int from = (int) Math.min(r.getOffset(), bytes.length);
      int step = 64 * 1024;
      for (int i = from; i < bytes.length; i += step) {
        int n = Math.min(step, bytes.length - i);
        resp.write(FileDownloadChunk.newBuilder().setData(ByteString.copyFrom(bytes, i, n)).setOffset(i)
            .setSize(bytes.length).build());
      }
      resp.end();
    });
  }

  private static dev.syncnode.proto.FileEntry toProto(FileEntry e) {
    dev.syncnode.proto.EntryType t = e.type() == EntryType.DIR ? dev.syncnode.proto.EntryType.DIR
        : e.type() == EntryType.SYMLINK ? dev.syncnode.proto.EntryType.SYMLINK : dev.syncnode.proto.EntryType.FILE;
    return dev.syncnode.proto.FileEntry.newBuilder().setPath(e.path()).setType(t).setSize(e.size()).setMode(e.mode())
        .setMtime(e.mtime()).setHash(e.hash()).setTarget(e.target()).build();
  }

  @Override
  public void close() throws Exception {
    Cluster.await(vertx.close());
  }
}
