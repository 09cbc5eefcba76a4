package dev.syncnode.it;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on loopback that counts the bytes going each way: put it between a worker and its
 * master to measure what a sync really moves on the wire (HTTP/2 framing, headers and all).
 */
public final class CountingProxy implements AutoCloseable {
  private final Vertx vertx = Vertx.vertx();
  private final AtomicLong up = new AtomicLong();
  private final AtomicLong down = new AtomicLong();
  private final NetServer server;

  public CountingProxy(int targetPort) throws Exception {
    NetClient client = vertx.createNetClient();
    server = vertx.createNetServer().connectHandler(in -> {
      in.pause();
      client.connect(targetPort, "127.0.0.1").onSuccess(out -> {
        pipe(in, out, up);
        pipe(out, in, down);
        in.resume();
      }).onFailure(err -> in.close());
    });
    Cluster.await(server.listen(0, "127.0.0.1"));
  }

  private static void pipe(NetSocket from, NetSocket to, AtomicLong counter) {
    from.handler(buf -> {
      counter.addAndGet(buf.length());
      to.write(buf);
      if (to.writeQueueFull()) {
        from.pause();
        to.drainHandler(v -> from.resume());
      }
    });
    from.closeHandler(v -> to.close());
  }

  public int port() {
    return server.actualPort();
  }

  /** Bytes worker -> master plus master -> worker so far. */
  public long total() {
    return up.get() + down.get();
  }

  @Override
  public void close() throws Exception {
    Cluster.await(vertx.close());
  }
}
