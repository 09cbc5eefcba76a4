package dev.syncnode.it;

import dev.syncnode.config.NodeConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * The usual {@link Cluster} directories under a temp dir: {@code master/} holding the sample spider
 * {@code spider1} and an empty {@code worker/}. Tests add their own files before {@link #start}.
 */
public record Workspaces(Path workspace, Path workerWorkspace) {

  /** Creates {@code master/spider1} (see {@link Trees#sampleSpider}) and {@code worker/} under tmp. */
  public static Workspaces withSampleSpider(Path tmp) throws IOException {
    Path workspace = Files.createDirectories(tmp.resolve("master"));
    Trees.sampleSpider(workspace.resolve("spider1"));
    return new Workspaces(workspace, Files.createDirectories(tmp.resolve("worker")));
  }

  /** The sample spider on the master. */
  public Path spider() {
    return workspace.resolve("spider1");
  }

  /** The worker's default destination for the sample spider. */
  public Path dest() {
    return workerWorkspace.resolve("spider1");
  }

  public Cluster start() throws Exception {
    return start(c -> c);
  }

  public Cluster start(UnaryOperator<NodeConfig> tweak) throws Exception {
    return new Cluster(workspace, workerWorkspace, tweak);
  }
}
