package dev.syncnode.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.syncnode.bus.Addresses;
import dev.syncnode.it.Trees;
import dev.syncnode.master.scan.CacheStats;
import dev.syncnode.proto.FileData;
import dev.syncnode.proto.FileScanRequest;
import dev.syncnode.proto.FilesRequest;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientConnection;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpConnectOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Review of whole small files served by content: a request pins the manifest it peeked at its start. A
 * small file deleted after that (the watcher saw it, the scan cache dropped the manifest) is still
 * served by that request, from the content cache, instead of being refused as the open would.
 */
class StaleWholeFileTest {
  @TempDir static Path tmp;
  static Nodes.Master master;
  static Vertx client;
  static Path ws;

  @BeforeAll
  static void start() throws Exception {
    ws = Files.createDirectories(tmp.resolve("ws"));
    Trees.sparse(ws, "s/big.bin", 32L << 20);
    Trees.write(ws.resolve("s"), "secret.txt", "token=hunter2\n");
    master = new Nodes.Master(ws, c -> c);
    client = Vertx.vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    client.close().await(10, TimeUnit.SECONDS);
    master.close();
  }

  private static void waitFor(String what, BooleanSupplier cond) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!cond.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
    }
  }

  private static int cachedManifests() {
    try {
      return master.vertx.eventBus().<CacheStats>request(Addresses.CACHE_STATS, null)
          .await(10, TimeUnit.SECONDS).body().cached();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static Future<HttpClientResponse> files(HttpClientConnection conn, List<String> paths) {
    byte[] msg = FilesRequest.newBuilder().setSpiderId("s").addAllPaths(paths).build().toByteArray();
    Buffer body = Buffer.buffer().appendByte((byte) 0).appendInt(msg.length).appendBytes(msg);
    return conn.request(new RequestOptions().setMethod(HttpMethod.POST)
            .setURI("/syncnode.v1.SyncService/StreamFiles")
            .putHeader("content-type", "application/grpc").putHeader("te", "trailers"))
        .compose(req -> req.send(body));
  }

  /** All of a response: the bytes of file {@code index}, and the final grpc-status. */
  private static Future<String[]> collect(HttpClientResponse resp, int index) {
    Promise<String[]> done = Promise.promise();
    Buffer all = Buffer.buffer();
    resp.handler(all::appendBuffer);
    resp.exceptionHandler(done::tryFail);
    resp.endHandler(v -> {
      StringBuilder file = new StringBuilder();
      int at = 0;
      try {
        while (at + 5 <= all.length()) {
          int len = all.getInt(at + 1);
          FileData d = FileData.parseFrom(all.getBytes(at + 5, at + 5 + len));
          if (d.getIndex() == index) {
            file.append(d.getData().toStringUtf8());
          }
          at += 5 + len;
        }
      } catch (Exception e) {
        done.tryFail(e);
        return;
      }
      done.tryComplete(new String[] {file.toString(), resp.getTrailer("grpc-status")});
    });
    resp.resume();
    return done.future();
  }

  @Test
  void aFileDeletedAfterTheRequestStartedIsNotServedFromTheCache() throws Exception {
    try (GrpcProbe probe = new GrpcProbe(client, master.node.grpcPort())) {
      // the scan cache holds the spider's manifest, and the content cache the small file
      probe.scan(FileScanRequest.newBuilder().setSpiderId("s").build(), null);
      HttpClientAgent http = client.httpClientBuilder()
          .with(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false))
          .build();
      HttpClientConnection conn = http.connect(new HttpConnectOptions().setHost("127.0.0.1")
          .setPort(master.node.grpcPort())).await(10, TimeUnit.SECONDS);
      String[] first = files(conn, List.of("secret.txt")).compose(r -> collect(r, 0)).await(30, TimeUnit.SECONDS);
      assertEquals("token=hunter2\n", first[0]);

      // a request that starts now, and is read slowly: the big file first, the small one last
      HttpClientResponse slow = files(conn, List.of("big.bin", "secret.txt")).await(30, TimeUnit.SECONDS);
      slow.pause();

      Files.delete(ws.resolve("s/secret.txt")); // removed on purpose; the watcher sees it
      waitFor("the watcher to drop the manifest", () -> cachedManifests() == 0);
      assertFalse(Files.exists(ws.resolve("s/secret.txt")));

      String[] late = collect(slow, 1).await(60, TimeUnit.SECONDS);
      assertEquals("", late[0], "a file deleted (and seen deleted) before its turn came was served from the "
          + "content cache; grpc-status " + late[1]);
      http.close().await(10, TimeUnit.SECONDS);
    }
  }
}
