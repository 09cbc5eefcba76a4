package dev.syncnode.fs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * A master marks its workspace with {@value #FILE} (a file, so never taken for a spider) so that a
 * worker on the same host can refuse a workspace that is, or lies inside, a master's: mirroring there
 * would write into the master's spiders. Blocking.
 */
public final class WorkspaceMark {
  public static final String FILE = ".syncnode-master";

  private WorkspaceMark() {}

  /** Marks an existing master workspace; best effort (a read-only workspace still serves). */
  public static void markMaster(Path workspace, String key) {
    Path dir = workspace.toAbsolutePath().normalize();
    if (!Files.isDirectory(dir) || Files.exists(dir.resolve(FILE), LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try {
      Files.writeString(dir.resolve(FILE), "workspace of syncnode master " + key
          + "; a worker refuses to mirror here or below\n", StandardCharsets.UTF_8);
    } catch (IOException e) {
      // cannot mark: the worker check simply does not see this master
    }
  }

  /** The marked master workspace that is {@code workerWorkspace} or one of its parents, or null. */
  public static Path masterWorkspaceAround(Path workerWorkspace) {
    for (Path p = workerWorkspace.toAbsolutePath().normalize(); p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve(FILE), LinkOption.NOFOLLOW_LINKS)) {
        return p;
      }
    }
    return null;
  }

  /**
   * The marked master workspace that a sync destination is, or lies inside, or null: looked up from the
   * real path of {@code dest}, or of its nearest existing parent, so a link cannot lead a sync around it.
   */
  public static Path masterWorkspaceHolding(Path dest) {
    Path p = dest.toAbsolutePath().normalize();
    while (p != null) {
      try {
        return masterWorkspaceAround(p.toRealPath());
      } catch (IOException missing) {
        p = p.getParent();
      }
    }
    return null;
  }
}
