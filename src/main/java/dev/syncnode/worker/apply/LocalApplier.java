package dev.syncnode.worker.apply;

import dev.syncnode.fs.Scanner;
import dev.syncnode.manifest.FileEntry;
import dev.syncnode.manifest.ManifestDiff;
import dev.syncnode.manifest.PathRules;
import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Applies a diff to a worker's destination, blocking (run it in {@code executeBlocking}). Every file
 * arrives here already downloaded and verified in the temp area; it gets its mode and mtime there
 * and then appears at its final path by one atomic rename, so no partial file is ever visible.
 * Order: delete what the caller chose to delete (deepest first), create directories, rename files, create links, fix modes,
 * then directory times. Every target is checked to resolve inside the destination.
 */
public final class LocalApplier {
  private final Path dest;
  private final Path tmpDir;
  /** Parents already checked during this apply (a tree of 1000 files has few directories). */
  private final java.util.Set<Path> checkedParents = new java.util.HashSet<>();
  /** The atime installed files get. */
  private final FileTime now = FileTime.from(java.time.Instant.now());

  public LocalApplier(Path dest, Path tmpDir) throws IOException {
    this.dest = dest.toAbsolutePath().normalize();
    if (!Files.isDirectory(this.dest)) {
      throw new NoSuchFileException(this.dest.toString(), null, "destination is not a directory");
    }
    this.tmpDir = tmpDir;
  }

  /**
   * A delete where the diff puts another entry replaces the local one, whatever is inside; any other
   * delete is a path the master dropped: a directory then goes only if it is empty by now (its
   * installed children went first, deepest first), so a user's file inside keeps it.
   *
   * @param staged verified temp file per content hash
   * @return dropped directories left in place because something is still inside
   */
  public List<String> apply(ManifestDiff diff, Map<String, Path> staged) throws IOException {
    java.util.Set<String> replaced = new java.util.HashSet<>();
    List.of(diff.downloads(), diff.dirs(), diff.links()).forEach(l -> l.forEach(e -> replaced.add(e.path())));
    List<String> nonEmpty = new ArrayList<>();
    for (FileEntry e : diff.deletes()) {
      Path p = target(e.path());
      if (replaced.contains(e.path()) || !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
        deleteRecursively(p);
      } else {
        try {
          Files.deleteIfExists(p);
        } catch (DirectoryNotEmptyException userFilesInside) {
          nonEmpty.add(e.path());
        }
      }
    }
    for (FileEntry d : diff.dirs()) {
      Path p = target(d.path());
      checkParent(p);
      if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
        Files.createDirectory(p);
      }
      setMode(p, dirMode(d.mode()));
    }
    placeFiles(diff.downloads(), staged);
    for (FileEntry l : diff.links()) {
      Path p = target(l.path());
      checkParent(p);
      Path tmp = tmpDir.resolve(UUID.randomUUID() + ".lnk");
      Files.createSymbolicLink(tmp, Path.of(l.target()));
      Files.move(tmp, p, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
    for (FileEntry m : diff.metadata()) {
      Path p = target(m.path());
      setMode(p, m.isDir() ? dirMode(m.mode()) : m.mode());
    }
    List<FileEntry> dirs = new ArrayList<>(diff.dirs());
    dirs.sort(ManifestDiff.DEEPEST_FIRST);
    for (FileEntry d : dirs) {
      Files.setLastModifiedTime(target(d.path()), FileTime.fromMillis(d.mtime()));
    }
    return nonEmpty;
  }

  private void placeFiles(List<FileEntry> files, Map<String, Path> staged) throws IOException {
    Map<String, List<FileEntry>> byHash = new HashMap<>();
    for (FileEntry f : files) {
      byHash.computeIfAbsent(f.hash(), h -> new ArrayList<>()).add(f);
    }
    for (Map.Entry<String, List<FileEntry>> group : byHash.entrySet()) {
      Path source = staged.get(group.getKey());
      if (source == null) {
        throw new IOException("no verified temp file for " + group.getValue().get(0).path());
      }
      List<FileEntry> targets = group.getValue();
      targets.sort(Comparator.comparing(FileEntry::path));
      for (int i = 0; i < targets.size(); i++) {
        FileEntry f = targets.get(i);
        Path finalPath = target(f.path());
        checkParent(finalPath);
        boolean lastUse = i == targets.size() - 1;
        Path ready = source;
        if (!lastUse) {
          ready = tmpDir.resolve(UUID.randomUUID() + ".copy");
          Files.copy(source, ready, StandardCopyOption.REPLACE_EXISTING);
        }
        setMode(ready, f.mode());
        setTimes(ready, f.mtime());
        install(ready, finalPath);
      }
    }
  }

  /**
   * Renames a ready temp file to its final path. A directory in the way (the master turned a
   * directory into a file) is removed first; it is only looked for when the rename fails, so the
   * common case costs one call.
   */
  private static void install(Path ready, Path finalPath) throws IOException {
    try {
      Files.move(ready, finalPath, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      if (!Files.isDirectory(finalPath, LinkOption.NOFOLLOW_LINKS)) {
        throw e;
      }
      deleteRecursively(finalPath);
      Files.move(ready, finalPath, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private Path target(String relPath) {
    return PathRules.resolveInside(dest, relPath);
  }

  /**
   * The parent must be a real directory inside the destination (no symlink on the way). Checked one
   * directory at a time from the destination down, each with one lstat, and remembered: the same
   * verdict as comparing its real path with the expected one, without resolving every component of
   * every parent again.
   */
  private void checkParent(Path p) throws IOException {
    Path parent = p.getParent();
    if (parent == null || !parent.startsWith(dest)) {
      throw new IOException("refusing to write outside the destination: " + p);
    }
    if (parent.equals(dest) || checkedParents.contains(parent)) {
      return;
    }
    checkParent(parent);
    BasicFileAttributes a;
    try {
      a = Files.readAttributes(parent, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      throw new IOException("missing directory " + dest.relativize(parent), e);
    }
    if (!a.isDirectory()) {
      throw new IOException("refusing to write through a symlink: " + dest.relativize(p));
    }
    checkedParents.add(parent);
  }

  /**
   * Sets the mtime, and the atime to now: given both, the JDK sets them without reading the file's
   * attributes first (one stat per installed file less); a file just written has about now as atime.
   */
  private void setTimes(Path p, long mtimeMillis) throws IOException {
    Files.getFileAttributeView(p, BasicFileAttributeView.class)
        .setTimes(FileTime.fromMillis(mtimeMillis), now, null);
  }

  /** Directories keep owner rwx so the worker can always update them. */
  static int dirMode(int mode) {
    return mode | 0700;
  }

  private static void setMode(Path p, int mode) throws IOException {
    try {
      Files.setPosixFilePermissions(p, Scanner.permissions(mode));
    } catch (UnsupportedOperationException nonPosix) {
      // not a POSIX file system: modes are not mirrored
    }
  }

  /** Deletes a file, link or directory tree without following links. */
  public static void deleteRecursively(Path p) throws IOException {
    if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
      Files.delete(p);
      return;
    }
    Files.walkFileTree(p, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.delete(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
        if (exc != null) {
          throw exc;
        }
        Files.delete(dir);
        return FileVisitResult.CONTINUE;
      }
    });
  }
}
