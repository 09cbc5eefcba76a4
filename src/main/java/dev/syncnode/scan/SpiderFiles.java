package dev.syncnode.scan;

import dev.syncnode.manifest.IgnoreRules;
import dev.syncnode.manifest.PathRules;
import dev.syncnode.manifest.PathViolation;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Opens the regular files of one spider for one request, with the verdicts of {@link SpiderPaths#file}
 * at a fraction of its system calls. The spider root is resolved once per request. The directories
 * leading to a file are opened one name at a time, each inside the one above it and never through a
 * symlink ({@code openat} with {@code O_NOFOLLOW}, through a {@link SecureDirectoryStream}), and stay
 * open for the following files that share them; the file is then stat'ed and opened by its name in
 * its directory, again without following a symlink. So no symlink is ever followed on this fast path
 * and its real path is the requested one. (A directory held open is the one that was checked: should it
 * be renamed meanwhile, the next files sharing it are still read from it.)
 *
 * <p>Whatever the fast path does not plainly accept (a symlink anywhere on the way, an ignored or
 * reserved name, anything but a regular file, any error) goes through {@link SpiderPaths#file}, so
 * verdicts and error codes are exactly its own. Linux only: there realpath(3), which {@link SpiderPaths}
 * relies on, keeps the names it is given, as a lookup by name does; elsewhere (macOS) it returns the
 * on-disk case of case-insensitive volumes, so every file takes the full check there.
 *
 * <p>Blocking; used by one thread at a time; {@link #close} it when the request ends.
 */
public final class SpiderFiles implements AutoCloseable {
  /** Deepest directory opened on the fast path; files further down take the full check. */
  static final int MAX_DEPTH = 64;

  private static final boolean FAST = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux");
  private static final Set<OpenOption> READ_NOFOLLOW = Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);

  /** An open file of the spider. */
  public static final class OpenFile implements AutoCloseable {
    private final Path path;
    private final FileChannel channel;
    private final BasicFileAttributes attributes;
    private final BasicFileAttributeView view;

    OpenFile(Path path, FileChannel channel, BasicFileAttributes attributes, BasicFileAttributeView view) {
      this.path = path;
      this.channel = channel;
      this.attributes = attributes;
      this.view = view;
    }

    /** Its real path. */
    public Path path() {
      return path;
    }

    public FileChannel channel() {
      return channel;
    }

    /** Its attributes just before it was opened. */
    public BasicFileAttributes attributes() {
      return attributes;
    }

    /**
     * Its attributes now, not following a symlink (by name in its directory on the fast path). Call it
     * before the next {@link SpiderFiles#open}, which may close that directory.
     */
    public BasicFileAttributes current() throws IOException {
      return view.readAttributes();
    }

    @Override
    public void close() throws IOException {
      channel.close();
    }
  }

  private final SpiderPaths paths;
  private final String spiderId;
  private final IgnoreRules ignore;
  /** The fast path's open directories: the root, then one per name in {@link #names}. */
  private final List<SecureDirectoryStream<Path>> dirs = new ArrayList<>();
  /** The directory names below the root of the last file opened on the fast path. */
  private final List<String> names = new ArrayList<>();
  private Path realRoot;
  private boolean rootTried;

  public SpiderFiles(SpiderPaths paths, String spiderId, IgnoreRules ignore) {
    this.paths = paths;
    this.spiderId = spiderId;
    this.ignore = ignore;
  }

  /**
   * Opens a regular file of the spider for reading.
   *
   * @throws ScanException as {@link SpiderPaths#file} does
   */
  public OpenFile open(String relPath) throws IOException {
    OpenFile f = FAST ? openFast(relPath) : null;
    return f != null ? f : openChecked(relPath);
  }

  private OpenFile openChecked(String relPath) throws IOException {
    Path real = paths.file(spiderId, relPath, ignore);
    BasicFileAttributeView view = Files.getFileAttributeView(real, BasicFileAttributeView.class,
        LinkOption.NOFOLLOW_LINKS);
    BasicFileAttributes attrs = view.readAttributes();
    return new OpenFile(real, FileChannel.open(real, StandardOpenOption.READ), attrs, view);
  }

  /** The file opened on the fast path, or null when it needs the full check. */
  private OpenFile openFast(String relPath) {
    String norm;
    try {
      norm = PathRules.normalize(relPath);
    } catch (PathViolation e) {
      return null;
    }
    if (norm.isEmpty() || SpiderPaths.hidden(norm, false, ignore) || !rootOpen()) {
      return null;
    }
    int slash = norm.lastIndexOf('/');
    SecureDirectoryStream<Path> dir = slash < 0 ? dirs.get(0) : directory(norm.substring(0, slash).split("/"));
    if (dir == null) {
      return null;
    }
    Path name = realRoot.getFileSystem().getPath(norm.substring(slash + 1));
    try {
      BasicFileAttributeView view = dir.getFileAttributeView(name, BasicFileAttributeView.class,
          LinkOption.NOFOLLOW_LINKS);
      BasicFileAttributes attrs = view.readAttributes();
      if (!attrs.isRegularFile()) {
        return null; // a symlink, a directory, a FIFO (which would block the open)...
      }
      SeekableByteChannel ch = dir.newByteChannel(name, READ_NOFOLLOW);
      if (ch instanceof FileChannel fc) {
        return new OpenFile(realRoot.resolve(norm), fc, attrs, view);
      }
      ch.close();
      return null;
    } catch (IOException e) {
      return null; // gone, or replaced by a symlink since the stat (ELOOP)
    }
  }

  /** Whether the root is open for the fast path; resolves it on the first call. */
  private boolean rootOpen() {
    if (!rootTried) {
      rootTried = true;
      try {
        realRoot = paths.spiderRoot(spiderId).toRealPath();
        DirectoryStream<Path> ds = Files.newDirectoryStream(realRoot);
        if (ds instanceof SecureDirectoryStream<Path> sds) {
          dirs.add(sds);
        } else {
          ds.close();
        }
      } catch (IOException | ScanException e) {
        // every file takes the full check, which reports the problem
      }
    }
    return !dirs.isEmpty();
  }

  /**
   * The open directory at {@code parents} below the root, keeping the directories the previous file
   * shares with it; null when the fast path cannot get there.
   */
  private SecureDirectoryStream<Path> directory(String[] parents) {
    if (parents.length > MAX_DEPTH) {
      return null;
    }
    int keep = 0;
    while (keep < parents.length && keep < names.size() && names.get(keep).equals(parents[keep])) {
      keep++;
    }
    closeBelow(keep);
    try {
      while (names.size() < parents.length) {
        String next = parents[names.size()];
        Path name = realRoot.getFileSystem().getPath(next);
        SecureDirectoryStream<Path> up = dirs.get(dirs.size() - 1);
        // stat before opening: opening a FIFO or a device could block or have effects
        if (!up.getFileAttributeView(name, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
            .readAttributes().isDirectory()) {
          return null;
        }
        dirs.add(up.newDirectoryStream(name, LinkOption.NOFOLLOW_LINKS));
        names.add(next);
      }
    } catch (IOException e) {
      return null;
    }
    return dirs.get(parents.length);
  }

  /** Closes the open directories below the first {@code depth} names. */
  private void closeBelow(int depth) {
    while (names.size() > depth) {
      names.remove(names.size() - 1);
      closeQuietly(dirs.remove(dirs.size() - 1));
    }
  }

  private static void closeQuietly(DirectoryStream<Path> dir) {
    try {
      dir.close();
    } catch (IOException ignored) {
      // nothing was written through it
    }
  }

  /** Closes the directories held open; files opened earlier stay open. */
  @Override
  public void close() {
    closeBelow(0);
    if (!dirs.isEmpty()) {
      closeQuietly(dirs.remove(0));
    }
  }
}
