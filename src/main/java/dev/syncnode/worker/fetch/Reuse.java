package dev.syncnode.worker.fetch;

import dev.syncnode.manifest.FileEntry;
import dev.syncnode.manifest.PathRules;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Content the destination already holds under another path (a move, a copy) is copied locally into
 * its temp file, hashed while copied. Blocking.
 */
final class Reuse {
  private static final Logger LOG = LoggerFactory.getLogger(Reuse.class);

  private Reuse() {}

  /**
   * Copies each needed content found in {@code localByHash}; a copy that does not verify (the file
   * changed since the scan) is downloaded instead. The temp area is listed once, so a sync into a
   * clean one costs no call per file.
   *
   * @return sizes of the resumable temp files of the contents still needed
   */
  static Map<String, Long> copy(Staging staging, Path dest, Collection<FileEntry> needed,
      Map<String, FileEntry> localByHash) throws IOException {
    Map<String, Long> partSizes = new HashMap<>();
    Set<String> parts = names(staging.tmpDir());
    for (FileEntry f : needed) {
      if (staging.has(f.hash())) {
        continue;
      }
      Path part = staging.part(f);
      FileEntry have = localByHash.get(f.hash());
      boolean reusable = have != null && have.size() == f.size();
      if (reusable && copied(staging, f, PathRules.resolveInside(dest, have.path()))) {
        continue;
      }
      if (!reusable && parts.contains(part.getFileName().toString()) && Files.exists(part)) {
        partSizes.put(f.hash(), Files.size(part));
      }
    }
    return partSizes;
  }

  private static boolean copied(Staging staging, FileEntry f, Path source) {
    StagedFile out = null;
    try (FileChannel in = FileChannel.open(source, StandardOpenOption.READ)) {
      out = StagedFile.create(f, staging.part(f));
      out.copy(in, 0, f.size());
      staging.stage(f, out.finish(), "reused");
      return true;
    } catch (IOException | RuntimeException e) {
      LOG.debug("cannot reuse {} for {}: {}", source, f.path(), e.getMessage());
      if (out != null) {
        out.discard(e); // changed since the scan: downloaded instead
      }
      return false;
    }
  }

  /** Names in a directory; empty when it does not exist. */
  static Set<String> names(Path dir) throws IOException {
    Set<String> out = new HashSet<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        out.add(p.getFileName().toString());
      }
    } catch (NoSuchFileException | NotDirectoryException absent) {
      // nothing left there
    }
    return out;
  }
}
