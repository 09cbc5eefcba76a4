package dev.syncnode.worker.apply;

import dev.syncnode.fs.TreeWatch;
import dev.syncnode.manifest.IgnoreRules;
import dev.syncnode.manifest.PathRules;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets a no-change sync skip the fingerprint walk of {@link LocalState#current} when it can prove
 * that nothing a sync manages changed in the destination since its state was written. Owned by the
 * worker verticle ({@link #open} at start, {@link #close} at stop); one {@link TreeWatch} (thread
 * {@code syncnode-dest-watch}) for all its destinations.
 *
 * <p>{@link #arm} watches every managed directory of a destination (ignored ones and the reserved
 * area left out) plus {@code <dest>/.syncnode} for the barrier below; it runs before the fingerprint
 * of the new state is computed, so a change is either seen by a watch or in that fingerprint. An
 * event on a managed entry, an OVERFLOW or a watched directory going away disarms the destination;
 * from then on it is walked until the next sync that applies changes arms it again. Anything that
 * cannot be proven (no watch service, budget exceeded, remote file system, a directory already
 * watched for another destination) also means the walk.
 *
 * <p>A sync that applies changes {@link #suspend suspends} the destination instead of dropping its
 * watches: events are ignored until it is armed again, which first passes the barrier so that every
 * event of the sync's own changes has been handled, then keeps each watch whose directory is still the
 * same one (path and inode) and registers only the new ones: registering and cancelling each cost a
 * round trip to the JDK's watch thread.
 *
 * <p>{@link #unchanged} needs a barrier: an event the kernel has queued may not have reached the
 * thread yet. It creates and deletes a uniquely named probe file in {@code <dest>/.syncnode} and
 * waits until the thread has seen the probe's CREATE <em>and then</em> drained the queue
 * ({@link TreeWatch.Listener#drained}): every earlier event was signalled before the probe's, so it has
 * been handled. The wait is bounded; a timeout answers false.
 *
 * <p>What inotify does not report is not seen: writes through {@code mmap}, writes through a hard link
 * outside the watched directories, changes by another machine on a network file system (refused at
 * arming), a file system mounted over a directory of the destination. Blocking calls.
 */
public final class DestinationWatch implements Closeable, TreeWatch.Listener {
  private static final Logger LOG = LoggerFactory.getLogger(DestinationWatch.class);
  /** How long {@link #unchanged} waits for its probe before it answers false (and the sync walks). */
  private static final long BARRIER_MS = 500;
  /**
   * Directories watched at most over all destinations: inotify watches are limited per user (8192 on
   * older kernels) and shared with the master's spider watch and other programs. Beyond it, the
   * destinations armed longest ago are disarmed first; a destination with more is not armed.
   */
  static final int MAX_WATCHES = 4096;
  /** File system types whose changes can come from elsewhere, without an inotify event here. */
  private static final Set<String> REMOTE = Set.of("nfs", "nfs4", "cifs", "smb3", "smbfs", "9p", "ceph",
      "glusterfs", "afs", "lustre", "gpfs", "fuse", "fuseblk");
  private static final String PROBE_PREFIX = "probe-" + ProcessHandle.current().pid() + "-";

  /** An armed destination, or while {@code suspended} one whose sync is applying changes. */
  private static final class Armed {
    final Path dest;
    final long generation;
    final IgnoreRules ignore;
    TreeWatch.Tree tree;
    LocalState.State written;
    boolean suspended;
    boolean dropped;

    Armed(Path dest, long generation, IgnoreRules ignore) {
      this.dest = dest;
      this.generation = generation;
      this.ignore = ignore;
    }
  }

  private static final class Probe {
    final Armed owner;
    boolean seen;
    boolean done;

    Probe(Armed owner) {
      this.owner = owner;
    }
  }

  /** Null: no watch service, nothing is ever armed. */
  private final TreeWatch trees;
  private final int maxWatches;
  private final long barrierMs;
  private final AtomicLong counter = new AtomicLong();
  // guarded by this
  /** In arming order, oldest first (a re-armed destination goes last). */
  private final Map<Path, Armed> armed = new LinkedHashMap<>();
  private final Map<Path, Armed> suspended = new HashMap<>();
  private final Map<TreeWatch.Tree, Armed> byTree = new IdentityHashMap<>();
  private final Map<String, Probe> probes = new HashMap<>();
  /** OVERFLOWs seen: an arming during which one came cannot trust what it kept. */
  private long overflows;

  private DestinationWatch(int maxWatches, long barrierMs) {
    this.maxWatches = maxWatches;
    this.barrierMs = barrierMs;
    TreeWatch t = null;
    try {
      t = new TreeWatch("syncnode-dest-watch", maxWatches, this);
    } catch (IOException | UnsupportedOperationException e) {
      LOG.warn("cannot watch destinations ({}): every no-change sync walks its destination", e.getMessage());
    }
    this.trees = t;
  }

  /** A watch for one worker; without a watch service (e.g. inotify instance limit) it never arms. */
  public static DestinationWatch open() {
    return new DestinationWatch(MAX_WATCHES, BARRIER_MS);
  }

  /** Tests: own budget and barrier wait (an "unchanged" must not depend on the CPU within 500 ms). */
  static DestinationWatch forTests(int maxWatches, long barrierMs) throws IOException {
    DestinationWatch w = new DestinationWatch(maxWatches, barrierMs);
    if (w.trees == null) {
      throw new IOException("no watch service");
    }
    return w;
  }

  /** Stops the watch thread and forgets every destination. */
  @Override
  public void close() throws IOException {
    dropAll();
    if (trees != null) {
      trees.close();
    }
  }

  /**
   * Watches every managed directory of {@code dest} and records it as unchanged from now on; the
   * state written after this is recorded with {@link #written}. Replaces an earlier arming; a
   * {@link #suspend suspended} destination keeps the watches of its directories that are still the
   * same ones.
   *
   * @return the generation to pass to {@link #written}, or 0 when the destination is not armed
   */
  public long arm(Path dest, IgnoreRules ignore) {
    Path root = dest.toAbsolutePath().normalize();
    Armed previous;
    long overflowsBefore;
    synchronized (this) {
      previous = suspended.remove(root);
      overflowsBefore = overflows;
    }
    disarm(root);
    Armed a = new Armed(root, counter.incrementAndGet(), ignore);
    try {
      if (trees == null) {
        throw new IOException("no watch service");
      }
      String type = Files.getFileStore(root).type();
      if (REMOTE.contains(type) || type.startsWith("fuse.")) {
        throw new IOException("a " + type + " file system can change without an event here");
      }
      Files.createDirectories(root.resolve(PathRules.RESERVED_DIR));
      if (previous != null && !(previous.ignore.patterns().equals(ignore.patterns())
          && trees.watches(previous.tree, PathRules.RESERVED_DIR) && barrier(previous))) {
        release(previous);
        previous = null;
      }
      a.tree = trees.watch(root, rel -> rel.equals(PathRules.RESERVED_DIR)
          || !PathRules.isReserved(rel) && !ignore.isIgnored(rel, true),
          TreeWatch.Mode.EXACT, previous == null ? null : previous.tree);
    } catch (IOException e) {
      LOG.debug("not watching {}: {}", root, e.getMessage());
      release(previous);
      return 0;
    }
    synchronized (this) {
      if (previous != null) {
        drop(previous);
      }
      if (overflows != overflowsBefore) {
        // events were lost meanwhile, possibly the one that invalidates a kept watch
        LOG.debug("not watching {}: the watch overflowed while it was being armed", root);
        trees.cancel(a.tree);
        return 0;
      }
      // over the budget: the destinations armed longest ago make room (they walk from then on)
      Iterator<Armed> oldest = armed.values().iterator();
      while (trees.watches() > maxWatches && oldest.hasNext()) {
        Armed old = oldest.next();
        oldest.remove();
        drop(old);
      }
      armed.put(root, a);
      byTree.put(a.tree, a);
      notifyAll();
    }
    return a.generation;
  }

  /**
   * A sync is about to change {@code dest}: from now on its events are ignored, and its watches wait
   * for {@link #arm} (or {@link #disarm}). Nothing happens to a destination that is not armed.
   */
  public synchronized void suspend(Path dest) {
    Path root = dest.toAbsolutePath().normalize();
    Armed a = armed.remove(root);
    if (a != null) {
      a.suspended = true;
      suspended.put(root, a);
    }
  }

  /** Records the state written after arming {@code generation}, unless the destination changed since. */
  public synchronized void written(Path dest, long generation, LocalState.State state) {
    Armed a = armed.get(dest.toAbsolutePath().normalize());
    if (a != null && a.generation == generation) {
      a.written = state;
    }
  }

  /** Stops watching {@code dest}, armed or suspended; its next no-change sync walks. */
  public synchronized void disarm(Path dest) {
    Path root = dest.toAbsolutePath().normalize();
    for (Armed a : new Armed[] {armed.get(root), suspended.get(root)}) {
      if (a != null) {
        drop(a);
      }
    }
  }

  /**
   * Whether {@code dest} provably holds what {@code stored} says: it is armed, the state recorded at
   * arming equals {@code stored}, the ignore rules are the same, and after the barrier no change has
   * been seen. False whenever that cannot be shown in time.
   */
  public boolean unchanged(Path dest, LocalState.State stored, IgnoreRules ignore) {
    Path root = dest.toAbsolutePath().normalize();
    Armed a;
    synchronized (this) {
      a = armed.get(root);
      if (a == null || stored == null || !stored.equals(a.written)
          || !a.ignore.patterns().equals(ignore.patterns())) {
        return false;
      }
    }
    if (!barrier(a)) {
      return false;
    }
    synchronized (this) {
      return armed.get(root) == a;
    }
  }

  /** Directories registered so far by this instance. */
  long registrations() {
    return trees == null ? 0 : trees.registrations();
  }

  /**
   * Waits until the watch thread has handled every event signalled for {@code a}'s directories before
   * now. False when that cannot be shown in time, or {@code a} is dropped meanwhile.
   */
  private boolean barrier(Armed a) {
    String name = PROBE_PREFIX + counter.incrementAndGet();
    Probe probe = new Probe(a);
    synchronized (this) {
      if (a.dropped) {
        return false;
      }
      probes.put(name, probe);
    }
    try {
      Path file = a.dest.resolve(PathRules.RESERVED_DIR).resolve(name);
      Files.createFile(file);
      Files.delete(file);
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(barrierMs);
      synchronized (this) {
        long left;
        while (!probe.done && !a.dropped && (left = deadline - System.nanoTime()) > 0) {
          TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return probe.done && !a.dropped;
      }
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } finally {
      synchronized (this) {
        probes.remove(name);
      }
    }
  }

  /**
   * A destination that changed is dropped (its watches cancelled) before anyone waiting on it is
   * woken, so a sync that re-arms it right away finds its directories free again. A suspended
   * destination's events are ignored, except its barrier probes.
   */
  @Override
  public synchronized void changed(TreeWatch.Tree tree, String rel, List<WatchEvent<?>> events, boolean gone) {
    Armed a = byTree.get(tree);
    if (a == null) {
      return; // dropped, or an arming not finished yet (then before the fingerprint)
    }
    boolean changed = gone && !a.suspended;
    for (WatchEvent<?> ev : events) {
      String name = ev.context().toString();
      if (rel.equals(PathRules.RESERVED_DIR)) {
        Probe p = probes.get(name);
        if (p != null && p.owner == a && ev.kind() == StandardWatchEventKinds.ENTRY_CREATE) {
          p.seen = true;
        }
      } else if (!changed && !a.suspended) {
        changed = manages(a, rel.isEmpty() ? name : rel + "/" + name, ev.kind());
      }
    }
    if (changed) {
      drop(a);
      notifyAll();
    }
  }

  @Override
  public synchronized void overflow() {
    overflows++;
    dropAll();
  }

  /** The queue was empty: every event signalled before a probe seen in this round is handled. */
  @Override
  public synchronized void drained() {
    for (Probe p : probes.values()) {
      p.done |= p.seen;
    }
    notifyAll();
  }

  /**
   * Whether the event is about an entry a sync manages. Whether a name is ignored can depend on its
   * type; the type is read now, which is sound for CREATE and MODIFY (a file cannot turn into a
   * directory or back without a DELETE of the name), while a DELETE counts unless the name is
   * ignored as a file and as a directory alike.
   */
  private static boolean manages(Armed a, String rel, WatchEvent.Kind<?> kind) {
    if (PathRules.isReserved(rel)) {
      return false;
    }
    if (kind == StandardWatchEventKinds.ENTRY_DELETE) {
      return !(a.ignore.isIgnored(rel, false) && a.ignore.isIgnored(rel, true));
    }
    return !a.ignore.isIgnored(rel, Files.isDirectory(a.dest.resolve(rel), LinkOption.NOFOLLOW_LINKS));
  }

  /** Gives up a suspended arming that cannot be kept. */
  private synchronized void release(Armed previous) {
    if (previous != null) {
      drop(previous);
    }
  }

  /** Forgets {@code a} and cancels its watches (those another arming kept are that one's now). */
  private void drop(Armed a) {
    a.dropped = true;
    armed.remove(a.dest, a);
    suspended.remove(a.dest, a);
    if (a.tree != null) {
      byTree.remove(a.tree, a);
      trees.cancel(a.tree);
    }
  }

  /** Drops every destination, armed or suspended, and wakes whoever waits. */
  private synchronized void dropAll() {
    List<Armed> all = new ArrayList<>(armed.values());
    all.addAll(suspended.values());
    all.forEach(this::drop);
    notifyAll();
  }
}
