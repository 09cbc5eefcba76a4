package dev.syncnode.cli;

import dev.syncnode.fs.WorkspaceMark;
import dev.syncnode.manifest.PathRules;
import dev.syncnode.worker.apply.LocalState;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Whether {@code sync --dest DIR} may write into DIR without {@code --force}: a missing or empty
 * directory (syncnode's reserved area aside), or one where an earlier sync, finished or not, recorded
 * its state or installed set (a bare {@code .syncnode/} proves nothing). A non-empty
 * directory syncnode never synced is someone's data: adopting it must be asked for. Never a master's
 * workspace. Blocking (runs before Vert.x starts).
 */
final class DestinationCheck {
  private DestinationCheck() {}

  /**
   * DIR as the sync uses it: its real path when it exists, so a {@code --dest} that is (or passes
   * through) a link is checked and written as the directory it leads to, never by re-following the link.
   */
  static Path resolve(Path dest) {
    Path dir = dest.toAbsolutePath().normalize();
    try {
      return Files.exists(dir) ? dir.toRealPath() : dir;
    } catch (IOException e) {
      return dir; // unreadable: the sync reports why
    }
  }

  /**
   * Why DIR (as {@link #resolve}d) is refused (a message naming it and the way out), or null when it may
   * be used. A master's workspace, or a directory inside one, is refused even with {@code --force}: it
   * holds its spiders.
   */
  static String refusal(Path dest, boolean force) {
    Path dir = dest.toAbsolutePath().normalize();
    Path master = WorkspaceMark.masterWorkspaceHolding(dir);
    if (master != null) {
      return dir + " is, or lies inside, " + master + ", the workspace of a master on this host (marked by "
          + WorkspaceMark.FILE + "): syncing there would overwrite its spiders; nothing was written. Choose"
          + " a destination outside it";
    }
    if (force) {
      return null;
    }
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      return null; // missing: created by the sync; anything else fails there with its own message
    }
    if (LocalState.recorded(dir)) {
      return null;
    }
    // syncnode's own area alone (a first sync interrupted before it recorded anything) holds no user data
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir,
        p -> !p.getFileName().toString().equals(PathRules.RESERVED_DIR))) {
      if (!ds.iterator().hasNext()) {
        return null;
      }
    } catch (IOException e) {
      return null; // unreadable: the sync reports why
    }
    return dir + " is not empty and syncnode never synced into it; nothing was written. To sync into it anyway"
        + " (the master's paths are replaced, every other file is kept), run again with --force";
  }
}
