package dev.syncnode.fs;

import dev.syncnode.manifest.FileEntry;
import dev.syncnode.manifest.IgnoreRules;
import dev.syncnode.manifest.Manifest;
import dev.syncnode.manifest.PathRules;
import dev.syncnode.manifest.PathViolation;
import dev.syncnode.manifest.Skipped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitResult;
import java.nio.file.FileVisitor;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Walks a directory tree and builds its manifest. Blocking: run it in {@code executeBlocking}.
 *
 * <p>Remembers (path, size, mtime) -> hash per root, so a rescan hashes only files that changed.
 * The memo holds what the last walks found: a scan replaces what it covered, and roots that are gone
 * are forgotten by a later scan of any root (looked for at most every 30 s).
 * Files modified in the last two seconds are not remembered (a write within the same mtime tick
 * could otherwise go unnoticed). The files to hash are hashed after the walk, in parallel when there
 * are many of them (on the common fork-join pool, whose threads the calling thread joins).
 *
 * <p>Symlinks are never followed: a link whose target stays inside the root becomes an entry with
 * its target, any other link is skipped with a warning. Any I/O error fails the whole scan: a partial
 * manifest would make workers delete files. Entries no worker could take (a name the path rules refuse
 * or that does not decode, a path too long) are left out and listed in {@link Manifest#skipped}; so
 * is, on the master, a regular file with several hard links (its other names may be outside the root).
 */
public final class Scanner {
  private static final Logger LOG = LoggerFactory.getLogger(Scanner.class);
  private static final long RACY_WINDOW_NANOS = TimeUnit.SECONDS.toNanos(2);
  /** Roots that are gone are looked for at most this often. */
  static final long SWEEP_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(30);
  /** Fewest files to hash for which hashing in parallel is worth its overhead. */
  static final int PARALLEL_MIN_FILES = 16;

  /** Result of one walk. */
  public record Result(Manifest manifest, int hashedFiles, long durationMs) {}

  private record Memo(long size, long mtimeNanos, String hash) {}

  /** A file the walk found and that must be hashed; its entry is at {@code index}. */
  private record Pending(int index, Path file, String rel, int mode) {}

  private final Map<Path, Map<String, Memo>> memoByRoot = new ConcurrentHashMap<>();
  /** When {@link #forgetGoneRoots} last looked for roots that are gone. */
  private final AtomicLong lastSweep;
  private final long sweepIntervalNanos;
  private final boolean listEscapingLinks;

  /** The master's scanner: links leading outside the root are skipped. */
  public Scanner() {
    this(false);
  }

  /**
   * @param listEscapingLinks also list links that lead outside the root, with their raw target. A
   *     worker scans its destination this way so that the diff removes such links (no manifest from a
   *     master can contain them) instead of leaving them or trying to write through them.
   */
  public Scanner(boolean listEscapingLinks) {
    this(listEscapingLinks, SWEEP_INTERVAL_NANOS);
  }

  /** @param sweepIntervalNanos how often to look for roots that are gone (tests: 0, every scan) */
  Scanner(boolean listEscapingLinks, long sweepIntervalNanos) {
    this.listEscapingLinks = listEscapingLinks;
    this.sweepIntervalNanos = sweepIntervalNanos;
    this.lastSweep = new AtomicLong(System.nanoTime() - sweepIntervalNanos);
  }

  /**
   * Scans {@code root/subPath}. Entry paths are relative to {@code root}. The reserved worker area
   * ({@code .syncnode/}) is never listed.
   */
  public Result scan(String spiderId, Path root, String subPath, IgnoreRules ignore) throws IOException {
    long started = System.nanoTime();
    Path base = root.toAbsolutePath().normalize();
    String sub = PathRules.normalize(subPath);
    Path start = PathRules.resolveInside(base, sub);
    Path realRoot = base.toRealPath();
    Map<String, Memo> oldMemo = memoByRoot.getOrDefault(base, Map.of());
    Map<String, Memo> newMemo = new ConcurrentHashMap<>();
    Walker walker = new Walker(base, realRoot, ignore, oldMemo, newMemo, listEscapingLinks);
    Files.walkFileTree(start, EnumSet.noneOf(java.nio.file.FileVisitOption.class), Integer.MAX_VALUE, walker);
    walker.hashPending();
    if (sub.isEmpty()) {
      memoByRoot.put(base, newMemo);
    } else {
      // what was remembered below sub and is no longer there goes; the rest of the root stays
      Map<String, Memo> memo = memoByRoot.computeIfAbsent(base, k -> new ConcurrentHashMap<>());
      String below = sub + "/";
      memo.keySet().removeIf(p -> p.equals(sub) || p.startsWith(below));
      memo.putAll(newMemo);
    }
    forgetGoneRoots(base);
    Manifest manifest = Manifest.of(spiderId, sub, walker.entries).withSkipped(walker.skipped);
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    return new Result(manifest, walker.hashed, ms);
  }

  /**
   * Records that {@code relPath} below {@code root} holds content {@code hash} with this size and
   * mtime: a worker that has just installed a verified file tells the scanner, so the next scan of
   * the destination does not hash the file again. Any later change of the file changes its mtime.
   */
  public void remember(Path root, String relPath, long size, long mtimeNanos, String hash) {
    memoByRoot.computeIfAbsent(root.toAbsolutePath().normalize(), k -> new ConcurrentHashMap<>())
        .put(relPath, new Memo(size, mtimeNanos, hash));
  }

  /**
   * Drops the memo of every other root that is no longer a directory (a spider deleted on the master,
   * a destination removed from a worker): nothing scans those again, and without this their hashes
   * would stay for as long as the node runs. One stat per remembered root, next to the walk's one
   * per file.
   */
  private void forgetGoneRoots(Path scanned) {
    long now = System.nanoTime();
    long last = lastSweep.get();
    if (now - last < sweepIntervalNanos || !lastSweep.compareAndSet(last, now)) {
      return; // swept a moment ago (or another scan is sweeping): a node with many roots stats them rarely
    }
    memoByRoot.keySet().removeIf(r -> !r.equals(scanned) && !Files.isDirectory(r));
  }

  /** How many files are remembered over all roots (for tests). */
  int rememberedFiles() {
    return memoByRoot.values().stream().mapToInt(Map::size).sum();
  }

  /** Drops the memo of a root (e.g. when a worker wipes a destination). */
  public void forget(Path root) {
    memoByRoot.remove(root.toAbsolutePath().normalize());
  }

  /** Whether {@code e} says a path is beyond the system's PATH_MAX (reachable only relative to a directory). */
  public static boolean tooLong(IOException e) {
    return e instanceof FileSystemException fse && "File name too long".equals(fse.getReason());
  }

  public static int modeBits(Set<PosixFilePermission> perms) {
    int mode = 0;
    for (PosixFilePermission p : perms) {
      mode |= 1 << (8 - p.ordinal());
    }
    return mode;
  }

  public static Set<PosixFilePermission> permissions(int mode) {
    Set<PosixFilePermission> perms = EnumSet.noneOf(PosixFilePermission.class);
    for (PosixFilePermission p : PosixFilePermission.values()) {
      if ((mode & (1 << (8 - p.ordinal()))) != 0) {
        perms.add(p);
      }
    }
    return perms;
  }

  private static final class Walker implements FileVisitor<Path> {
    final Path base;
    final Path realRoot;
    final IgnoreRules ignore;
    final Map<String, Memo> oldMemo;
    final Map<String, Memo> newMemo;
    final boolean listEscapingLinks;
    /** In walk order; a file still to hash is a null placeholder until {@link #hashPending}. */
    final List<FileEntry> entries = new ArrayList<>();
    final List<Pending> pending = new ArrayList<>();
    final List<Skipped> skipped = new ArrayList<>();
    final long racyLimit = System.currentTimeMillis() * 1_000_000L - RACY_WINDOW_NANOS;
    int hashed;

    Walker(Path base, Path realRoot, IgnoreRules ignore, Map<String, Memo> oldMemo, Map<String, Memo> newMemo,
        boolean listEscapingLinks) {
      this.base = base;
      this.listEscapingLinks = listEscapingLinks;
      this.realRoot = realRoot;
      this.ignore = ignore;
      this.oldMemo = oldMemo;
      this.newMemo = newMemo;
    }

    String rel(Path p) {
      return PathRules.relative(base, p);
    }

    @Override
    public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
      String rel = rel(dir);
      if (rel.isEmpty()) {
        return FileVisitResult.CONTINUE;
      }
      if (PathRules.isReserved(rel) || ignore.isIgnored(rel, true)) {
        return FileVisitResult.SKIP_SUBTREE;
      }
      if (refused(dir, rel)) {
        return FileVisitResult.SKIP_SUBTREE; // everything below has the same bad prefix
      }
      entries.add(FileEntry.dir(rel, mode(dir, 0755), attrs.lastModifiedTime().toMillis()));
      return FileVisitResult.CONTINUE;
    }

    @Override
    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
      String rel = rel(file);
      if (rel.isEmpty()) {
        return FileVisitResult.CONTINUE;
      }
      if (attrs.isSymbolicLink()) {
        if (!ignore.isIgnored(rel, false) && !PathRules.isReserved(rel) && !refused(file, rel)) {
          link(file, rel, attrs);
        }
        return FileVisitResult.CONTINUE;
      }
      if (attrs.isDirectory()) {
        return FileVisitResult.CONTINUE;
      }
      if (PathRules.isReserved(rel) || ignore.isIgnored(rel, false) || refused(file, rel)) {
        return FileVisitResult.CONTINUE;
      }
      if (!attrs.isRegularFile()) {
        LOG.warn("skipping special file {}", file);
        return FileVisitResult.CONTINUE;
      }
      if (!listEscapingLinks && ConfinedFile.links(file, LinkOption.NOFOLLOW_LINKS) > 1) {
        skipped.add(new Skipped(PathRules.escape(rel), Skipped.HARD_LINK));
        return FileVisitResult.CONTINUE;
      }
      long size = attrs.size();
      long mtimeNanos = attrs.lastModifiedTime().to(TimeUnit.NANOSECONDS);
      Memo memo = oldMemo.get(rel);
      int mode = mode(file, 0644);
      if (memo != null && memo.size == size && memo.mtimeNanos == mtimeNanos) {
        known(rel, size, mtimeNanos, memo.hash);
        entries.add(FileEntry.file(rel, size, mode, attrs.lastModifiedTime().toMillis(), memo.hash));
      } else {
        pending.add(new Pending(entries.size(), file, rel, mode));
        entries.add(null);
      }
      return FileVisitResult.CONTINUE;
    }

    /** Remembers a file's hash for the next scan, unless it changed too recently to be trusted. */
    private void known(String rel, long size, long mtimeNanos, String hash) {
      if (mtimeNanos < racyLimit) {
        newMemo.put(rel, new Memo(size, mtimeNanos, hash));
      }
    }

    /** Hashes the files the walk could not take from the memo and fills in their entries. */
    void hashPending() throws IOException {
      try {
        (pending.size() >= PARALLEL_MIN_FILES ? pending.parallelStream() : pending.stream()).forEach(p -> {
          // opened once, checked, then measured and hashed from that descriptor: a file turned into a
          // FIFO or a link since the walk fails the scan (the next walk sees what it is now)
          // a worker's own destination may hold hard links: they are its files, not a master's
          try (ConfinedFile f = ConfinedFile.open(p.file(), realRoot, listEscapingLinks)) {
            String hash = FileHasher.sha256(f.channel());
            long size = f.attributes().size();
            long mtimeNanos = f.attributes().lastModifiedTime().to(TimeUnit.NANOSECONDS);
            known(p.rel(), size, mtimeNanos, hash); // a concurrent map
            entries.set(p.index(), FileEntry.file(p.rel(), size, p.mode(),
                f.attributes().lastModifiedTime().toMillis(), hash)); // own slot
          } catch (IOException e) {
            throw new UncheckedIOException(new IOException(
                "file changed during the scan, scan again: " + p.rel() + ": " + e.getMessage(), e));
          }
        });
      } catch (UncheckedIOException e) {
        throw e.getCause();
      }
      hashed = pending.size();
    }

    private void link(Path file, String rel, BasicFileAttributes attrs) throws IOException {
      Path rawTarget = Files.readSymbolicLink(file);
      Path parent = file.getParent();
      Path lexical = parent.resolve(rawTarget).normalize();
      String raw = rawTarget.toString().replace(file.getFileSystem().getSeparator(), "/");
      if (!lexical.startsWith(base)) {
        escaping(rel, raw, attrs, "points outside the root");
        return;
      }
      if (Files.exists(file)) {
        Path real = file.toRealPath();
        if (!real.startsWith(realRoot)) {
          escaping(rel, raw, attrs, "resolves outside the root");
          return;
        }
      }
      String target = rawTarget.isAbsolute() || !PathRules.isNormalLinkTarget(raw)
          ? PathRules.relative(parent, lexical)
          : raw;
      if (target.isEmpty()) {
        target = ".";
      }
      if (!PathRules.linkStaysInside(rel, target)) {
        escaping(rel, raw, attrs, "points outside the root");
        return;
      }
      entries.add(FileEntry.symlink(rel, target, attrs.lastModifiedTime().toMillis()));
    }

    private void escaping(String rel, String rawTarget, BasicFileAttributes attrs, String why) {
      if (listEscapingLinks) {
        entries.add(FileEntry.symlink(rel, rawTarget, attrs.lastModifiedTime().toMillis()));
      } else {
        LOG.warn("skipping symlink {} -> {}: {}", rel, rawTarget, why);
      }
    }

    /**
     * Whether no worker could take this entry: its name decodes only with replacement characters
     * (invalid bytes: re-encoding the string gives another file), or the path rules refuse it. Such
     * an entry is recorded in {@link #skipped}.
     */
    private boolean refused(Path p, String rel) {
      String reason = null;
      if (rel.indexOf('\ufffd') >= 0 && !base.resolve(rel).equals(p)) {
        reason = Skipped.UNDECODABLE_NAME;
      } else {
        try {
          reason = PathRules.normalize(rel).equals(rel) ? null : Skipped.ILLEGAL_NAME;
        } catch (PathViolation e) {
          reason = rel.length() > PathRules.MAX_PATH_LENGTH ? Skipped.TOO_LONG : Skipped.ILLEGAL_NAME;
        }
      }
      if (reason != null) {
        skipped.add(new Skipped(PathRules.escape(rel), reason));
      }
      return reason != null;
    }

    /** A path beyond the system's PATH_MAX is skipped like a refused name; any other error fails the scan. */
    @Override
    public FileVisitResult visitFileFailed(Path file, IOException exc) throws IOException {
      if (tooLong(exc)) {
        skipped.add(new Skipped(PathRules.escape(rel(file)), Skipped.TOO_LONG));
        return FileVisitResult.CONTINUE;
      }
      throw exc;
    }

    @Override
    public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
      if (exc != null) {
        throw exc;
      }
      return FileVisitResult.CONTINUE;
    }


    /** Permission bits, read without following links (walkFileTree only hands out basic attributes). */
    private static int mode(Path p, int fallback) throws IOException {
      try {
        return modeBits(Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS).permissions());
      } catch (UnsupportedOperationException nonPosix) {
        return fallback;
      }
    }
  }
}
