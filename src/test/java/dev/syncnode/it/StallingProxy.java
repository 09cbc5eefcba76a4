package dev.syncnode.it;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on loopback that passes the first {@code budget} bytes from the master and then holds
 * the rest: a transfer that starts and then hangs, as on a stalled link.
 */
public final class StallingProxy implements AutoCloseable {
  private final Vertx vertx = Vertx.vertx();
  private final AtomicLong left;
  private final NetServer server;

  public StallingProxy(int targetPort, long budget) throws Exception {
    left = new AtomicLong(budget);
    NetClient client = vertx.createNetClient();
    server = vertx.createNetServer().connectHandler(in -> {
      in.pause();
      client.connect(targetPort, "127.0.0.1").onSuccess(out -> {
        in.exceptionHandler(err -> in.close());
        out.exceptionHandler(err -> out.close());
        in.handler(out::write);
        in.closeHandler(v -> out.close());
        out.handler(buf -> {
          long allowed = Math.max(0, Math.min(buf.length(), left.getAndAdd(-buf.length())));
          if (allowed > 0) {
            in.write(allowed == buf.length() ? buf : buf.getBuffer(0, (int) allowed));
          }
          if (allowed < buf.length()) {
            out.pause(); // stalled from here on
          }
        });
        out.closeHandler(v -> in.close());
        in.resume();
      }).onFailure(err -> in.close());
    });
    Cluster.await(server.listen(0, "127.0.0.1"));
  }

  public int port() {
    return server.actualPort();
  }

  @Override
  public void close() throws Exception {
    Cluster.await(vertx.close());
  }

}
