package dev.syncnode.worker.apply;
import dev.syncnode.fs.ConfinedFile;
import dev.syncnode.fs.Scanner;
import dev.syncnode.manifest.IgnoreRules;
import dev.syncnode.manifest.ManifestDigest;
import dev.syncnode.manifest.PathRules;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.RecursiveTask;
import java.util.concurrent.TimeUnit;

/**
 * What a worker remembers about a destination between syncs, in {@code <dest>/.syncnode/state.json}:
 * the digest of the manifest it last applied there and a fingerprint of the tree's metadata right
 * after that sync. The next sync recomputes the fingerprint with a stat-only walk (no hashing): if
 * it is unchanged, the local tree is still exactly that manifest and the worker can send its digest
 * as {@code known_digest}. Any local change (content rewritten, file replaced, added, removed,
 * chmod) changes size, mtime, inode or mode, hence the fingerprint, and the worker asks for the full
 * list. The state is removed before a sync changes the tree and written again after it succeeded,
 * so a failed sync never leaves a state that claims a tree it did not finish. Blocking.
 *
 * <p>Version 2 also promises that {@link InstalledSet} ({@code .syncnode/installed}) is kept up to
 * date: what syncs installed there, the only paths a sync may delete. A version-1 state was written
 * by a release that kept no such list; {@link InstalledSet#load} treats it specially.
 */
public final class LocalState {
  static final String FILE = "state.json";
  /** A state this large is not one a sync wrote (they are a few hundred bytes): it is not read. */
  static final int MAX_BYTES = 64 * 1024;
  public static final int VERSION = 2;
  /** Written by releases that did not record the installed set. */
  static final int VERSION_WITHOUT_INSTALLED = 1;

  /**
   * @param digest manifest digest the tree was synced to
   * @param files number of files of that manifest
   * @param fingerprint metadata fingerprint of the tree right after the sync
   * @param kept entries the sync left in place although the master does not have them
   * @param version format version it was read with ({@link #VERSION} for a state written now)
   */
  public record State(String spiderId, String digest, long files, String fingerprint, long kept, int version) {
    public State(String spiderId, String digest, long files, String fingerprint) {
      this(spiderId, digest, files, fingerprint, 0, VERSION);
    }

    /** Whether the installed set next to this state is authoritative (see the class comment). */
    boolean tracksInstalled() {
      return version >= VERSION;
    }
  }

  private LocalState() {}

  /** Where the state of a destination is kept. */
  public static Path file(Path dest) {
    return dest.resolve(PathRules.RESERVED_DIR).resolve(FILE);
  }

  /**
   * Whether a sync recorded something in {@code dest}: its state or its installed set exists. A bare
   * {@code .syncnode/} directory is not enough (anyone can create one). Blocking.
   */
  public static boolean recorded(Path dest) {
    return Files.isDirectory(dest.resolve(PathRules.RESERVED_DIR), LinkOption.NOFOLLOW_LINKS)
        && (Files.exists(file(dest), LinkOption.NOFOLLOW_LINKS)
            || Files.exists(InstalledSet.file(dest), LinkOption.NOFOLLOW_LINKS));
  }

  /**
   * The stored state, or null when there is none or it is unreadable: not a regular file inside the
   * destination (a link or a FIFO is not followed or waited on), or larger than {@link #MAX_BYTES}
   * (what a crawler writes into the destination must not make every sync read it whole).
   */
  public static State read(Path dest) {
    Saved saved = readSaved(dest);
    return saved == null ? null : saved.state();
  }

  /** A stored state and when it was written (its file's mtime, from the descriptor it was read through). */
  public record Saved(State state, long atMs) {}

  /** As {@link #read}, with the time the state was written. */
  public static Saved readSaved(Path dest) {
    try (ConfinedFile f = ConfinedFile.open(file(dest), dest.toRealPath(), true)) {
      long size = f.attributes().size();
      if (size > MAX_BYTES) {
        return null;
      }
      ByteBuffer buf = ByteBuffer.allocate((int) size);
      while (buf.hasRemaining() && f.channel().read(buf, buf.position()) > 0) {
        // positional reads until the size read at open
      }
      JsonObject j = new JsonObject(new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8));
      int version = j.getInteger("version", 0);
      if (version != VERSION && version != VERSION_WITHOUT_INSTALLED) {
        return null;
      }
      return new Saved(new State(j.getString("spiderId"), j.getString("digest"), j.getLong("files", 0L),
          j.getString("fingerprint"), j.getLong("kept", 0L), version), f.attributes().lastModifiedTime().toMillis());
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException | DecodeException | ClassCastException e) {
      return null;
    }
  }

  /** Writes the state atomically (temp file + rename). */
  public static void write(Path dest, State s) throws IOException {
    Path f = file(dest);
    Files.createDirectories(f.getParent());
    Path tmp = f.resolveSibling(FILE + ".tmp");
    JsonObject j = new JsonObject().put("version", VERSION).put("spiderId", s.spiderId()).put("digest", s.digest())
        .put("files", s.files()).put("fingerprint", s.fingerprint()).put("kept", s.kept());
    Files.writeString(tmp, j.encodePrettily(), StandardCharsets.UTF_8);
    Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  public static void delete(Path dest) throws IOException {
    Files.deleteIfExists(file(dest));
  }

  /**
   * The digest the local tree still holds, or null: the stored state must exist, be for this spider
   * and match the tree's current fingerprint.
   */
  public static State current(Path dest, String spiderId, IgnoreRules ignore) throws IOException {
    State s = read(dest);
    if (s == null || !spiderId.equals(s.spiderId()) || s.digest() == null || s.fingerprint() == null
        || !Files.isDirectory(dest)) {
      return null;
    }
    return s.fingerprint().equals(fingerprint(dest, ignore)) ? s : null;
  }

  /**
   * A hash over the metadata of every entry below {@code dest} that a sync manages (not ignored, not
   * the reserved area): path, type, size, mtime (ns), permission bits and inode for files; path,
   * type and mode for directories; path and target for links. One stat per entry, no content read.
   * Entries are taken in directory order, which is stable while a directory is unchanged (and when
   * it changed, a different fingerprint is the right answer anyway). Directory mtimes are left out,
   * so ignored files appearing (a spider's {@code __pycache__}) do not count as a change.
   */
  public static String fingerprint(Path dest, IgnoreRules ignore) throws IOException {
    Path root = dest.toAbsolutePath().normalize();
    try {
      return HexFormat.of().formatHex(WALKERS.invoke(new DirTask(root, "", ignore)));
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /** Directories are walked in parallel (stat calls dominate, and they do not serialize). */
  private static final ForkJoinPool WALKERS = new ForkJoinPool(
      Math.max(2, Runtime.getRuntime().availableProcessors()),
      pool -> {
        ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
        t.setName("syncnode-fingerprint-" + t.getPoolIndex());
        t.setDaemon(true);
        return t;
      }, null, false);

  /**
   * The digest of one directory: one lstat per entry (PosixFileAttributes carry mode and inode; the
   * walker's basic ones do not), in directory order, with each subdirectory's own digest (computed
   * by a forked task) in place of its entries.
   */
  private static final class DirTask extends RecursiveTask<byte[]> {
    private final Path dir;
    private final String relDir;
    private final IgnoreRules ignore;

    DirTask(Path dir, String relDir, IgnoreRules ignore) {
      this.dir = dir;
      this.relDir = relDir;
      this.ignore = ignore;
    }

    @Override
    protected byte[] compute() {
      MessageDigest md = ManifestDigest.sha256();
      ByteBuffer nums = ByteBuffer.allocate(64);
      List<DirTask> subdirs = new ArrayList<>();
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
        for (Path p : ds) {
          String name = p.getFileName().toString();
          String rel = relDir.isEmpty() ? name : relDir + "/" + name;
          PosixFileAttributes a = attributes(p);
          boolean ignored = a == null ? ignore.isIgnored(rel, false) && ignore.isIgnored(rel, true)
              : ignore.isIgnored(rel, a.isDirectory());
          if (PathRules.isReserved(rel) || ignored) {
            continue;
          }
          nums.clear();
          if (a == null) {
            nums.put((byte) 'x'); // beyond PATH_MAX: the scanner skips it too, so no sync manages it
          } else if (a.isDirectory()) {
            nums.put((byte) 'd').putInt(Scanner.modeBits(a.permissions()));
          } else if (a.isSymbolicLink()) {
            nums.put((byte) 'l');
          } else {
            nums.put((byte) (a.isRegularFile() ? 'f' : 'o')).putLong(a.size())
                .putLong(a.lastModifiedTime().to(TimeUnit.NANOSECONDS)).putInt(Scanner.modeBits(a.permissions()))
                .putInt(Objects.hashCode(a.fileKey()));
          }
          md.update(name.getBytes(StandardCharsets.UTF_8));
          md.update((byte) 0);
          md.update(nums.flip());
          if (a != null && a.isSymbolicLink()) {
            md.update(Files.readSymbolicLink(p).toString().getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0);
          } else if (a != null && a.isDirectory()) {
            DirTask sub = new DirTask(p, rel, ignore);
            sub.fork();
            subdirs.add(sub);
            md.update((byte) subdirs.size()); // position marker; the digest follows below
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      for (DirTask sub : subdirs) {
        md.update(sub.join());
      }
      return md.digest();
    }

    /** An entry's attributes, or null when its path is beyond PATH_MAX. */
    private static PosixFileAttributes attributes(Path p) throws IOException {
      try {
        return Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      } catch (IOException e) {
        if (Scanner.tooLong(e)) {
          return null;
        }
        throw e;
      }
    }
  }
}
