package dev.syncnode.master;

import dev.syncnode.manifest.IgnoreRules;
import dev.syncnode.manifest.PathRules;
import dev.syncnode.manifest.PathViolation;
import dev.syncnode.master.scan.ScanException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Predicate;

/**
 * Resolves spider roots and files inside them on the master, with every confinement check: valid id,
 * normalised relative path, not ignored, and a real path (symlinks resolved) inside the spider's real
 * root. Blocking: call from a worker thread. {@link SpiderFiles} serves the files of one request with
 * the same rules and fewer system calls.
 */
public final class SpiderPaths {
  private final Path workspace;

  public SpiderPaths(Path workspace) {
    this.workspace = workspace.toAbsolutePath().normalize();
  }

  public Path workspace() {
    return workspace;
  }

  /**
   * The spiders: directories of the workspace whose names are valid spider ids (symlinks excluded, as
   * {@link #spiderRoot} refuses them), sorted; none when there is no workspace.
   */
  public List<String> spiders() throws IOException {
    if (!Files.isDirectory(workspace)) {
      return List.of();
    }
    List<String> ids = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(workspace)) {
      for (Path p : ds) {
        String name = p.getFileName().toString();
        if (PathRules.isValidSpiderId(name) && Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          ids.add(name);
        }
      }
    }
    Collections.sort(ids);
    return ids;
  }

  /** The spider's root directory; NOT_FOUND when it does not exist, INVALID_ARGUMENT for a bad id. */
  public Path spiderRoot(String spiderId) {
    try {
      PathRules.requireSpiderId(spiderId);
    } catch (PathViolation e) {
      throw ScanException.invalid(e.getMessage());
    }
    Path root = workspace.resolve(spiderId);
    if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
      throw ScanException.notFound("unknown spider: " + spiderId);
    }
    return root;
  }

  /** A directory inside the spider for a scan of a sub-path. */
  public Path directory(String spiderId, String relPath, IgnoreRules ignore) {
    return require(confined(spiderId, relPath, ignore), Files::isDirectory,
        "no such directory in spider " + spiderId + ": " + relPath);
  }

  /** A regular file inside the spider, for a download. */
  public Path file(String spiderId, String relPath, IgnoreRules ignore) {
    String norm = normalize(relPath);
    if (norm.isEmpty()) {
      throw ScanException.invalid("path is required");
    }
    return require(confined(spiderId, norm, ignore), Files::isRegularFile,
        "no such file in spider " + spiderId + ": " + norm);
  }

  private static Path require(Path p, Predicate<Path> kind, String notFound) {
    if (!kind.test(p)) {
      throw ScanException.notFound(notFound);
    }
    return p;
  }

  private Path confined(String spiderId, String relPath, IgnoreRules ignore) {
    Path root = spiderRoot(spiderId);
    String norm = normalize(relPath);
    if (hidden(norm, false, ignore)) {
      throw ScanException.notFound("no such entry in spider " + spiderId + ": " + norm);
    }
    Path lexical = PathRules.resolveInside(root, norm);
    if (!Files.exists(lexical)) {
      throw ScanException.notFound("no such entry in spider " + spiderId + ": " + norm);
    }
    try {
      Path realRoot = root.toRealPath();
      Path real = lexical.toRealPath();
      if (!real.startsWith(realRoot)) {
        throw ScanException.invalid("path escapes the spider root: " + norm);
      }
      // the ignore rules also hold for where a link leads: "link -> .git" must not serve .git/config
      String realRel = PathRules.relative(realRoot, real);
      if (!realRel.isEmpty() && hidden(realRel, Files.isDirectory(real), ignore)) {
        throw ScanException.notFound("no such entry in spider " + spiderId + ": " + norm);
      }
      return real;
    } catch (IOException e) {
      throw ScanException.notFound("no such entry in spider " + spiderId + ": " + norm);
    }
  }

  /** Whether a normalised path is never served: it or a directory above it is ignored, or it is reserved. */
  static boolean hidden(String norm, boolean isDir, IgnoreRules ignore) {
    return ignore.isIgnoredWithParents(norm, isDir) || PathRules.isReserved(norm);
  }

  private static String normalize(String relPath) {
    try {
      return PathRules.normalize(relPath);
    } catch (PathViolation e) {
      throw ScanException.invalid(e.getMessage());
    }
  }
}
