package dev.syncnode.it;

import dev.syncnode.config.NodeConfig;
import java.time.Duration;
import java.util.function.UnaryOperator;

/** Config tweaks for the {@link Cluster} hook (composable with {@link #and}). */
public final class Tweaks {
  private Tweaks() {}

  public static UnaryOperator<NodeConfig> cacheTtl(Duration ttl) {
    return c -> {
      NodeConfig.Sync s = c.sync();
      return c.withSync(new NodeConfig.Sync(s.useGrpc(), ttl, s.grpcChunkSize(), s.ignore(), s.http(), s.retry(),
          s.timeout()));
    };
  }

  public static UnaryOperator<NodeConfig> chunkSize(int size) {
    return c -> {
      NodeConfig.Sync s = c.sync();
      return c.withSync(new NodeConfig.Sync(s.useGrpc(), s.grpcCacheTtl(), size, s.ignore(), s.http(), s.retry(),
          s.timeout()));
    };
  }

  /** No scans before requests ({@code sync.prescan: false}): for tests that count the scans requests cause. */
  public static UnaryOperator<NodeConfig> noPrescan() {
    return c -> c.withSync(c.sync().withPrescan(false));
  }

  public static UnaryOperator<NodeConfig> fastRetries() {
    return Cluster::fastRetries;
  }

  @SafeVarargs
  public static UnaryOperator<NodeConfig> and(UnaryOperator<NodeConfig>... tweaks) {
    return c -> {
      NodeConfig out = c;
      for (UnaryOperator<NodeConfig> t : tweaks) {
        out = t.apply(out);
      }
      return out;
    };
  }
}
