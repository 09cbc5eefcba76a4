package dev.syncnode.worker.apply;

import dev.syncnode.manifest.IgnoreRules;
import dev.syncnode.manifest.PathRules;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
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
 * that nothing a sync manages changed in the destination since its state was written. One JDK
 * {@link WatchService} (inotify) per JVM, shared by all worker nodes in it, and one daemon thread
 * {@code syncnode-dest-watch} that reads it.
 *
 * <p>{@link #arm} registers every managed directory of a destination (ignored ones and the reserved
 * area left out) plus {@code <dest>/.syncnode} for the barrier below; it runs before the fingerprint
 * of the new state is computed, so a change is either seen by a watch or in that fingerprint. An
 * event on a managed entry, an OVERFLOW or a watched directory going away disarms the destination
 * (its watches are cancelled); from then on it is walked until the next sync that applies changes
 * arms it again. Anything that cannot be proven (no watch service, watch limit reached, remote file
 * system, a directory already watched for another destination) also means the walk.
 *
 * <p>A sync that applies changes {@link #suspend suspends} the destination instead of dropping its
 * watches: events are ignored until it is {@link #arm armed} again, which first passes a barrier
 * (below) so that every event of the sync's own changes has been handled, then walks the tree once
 * more and keeps each watch whose directory is still the same one (same path, same file key, i.e.
 * inode), registers the directories that are new and cancels the rest. Registering and cancelling
 * a watch each cost a round trip to the JDK's watch thread, so re-arming a 322-directory tree in
 * place takes a fraction of cancelling and registering them all again. A directory moved within the
 * destination keeps its watch under its old name, which is why the file key must match too.
 *
 * <p>{@link #unchanged} needs a barrier: an event the kernel has queued may not have reached the
 * thread yet. It creates and deletes a uniquely named probe file in {@code <dest>/.syncnode} and
 * waits until the thread has seen the probe's CREATE <em>and then</em> found the WatchService's
 * queue empty. Why that suffices: the JDK reads inotify events in order, so every earlier event was
 * signalled to its key before the probe's. A key is queued when first signalled; while the thread
 * holds a key (between {@code pollEvents} and {@code reset}) newer events on it wait and the key is
 * queued again at {@code reset}, possibly behind the probe's key. The thread is single and resets
 * each key before it takes the next, so when it handles the probe, every key with an earlier event
 * still pending is in the queue; draining the queue (non-blocking polls until it is empty) handles
 * them all. The wait is bounded; a timeout answers false.
 *
 * <p>What inotify does not report is not seen: writes through {@code mmap}, writes to a file through
 * a hard link outside the watched directories, changes made by another machine on a network file
 * system (those are refused at arming), a file system mounted over a directory of the destination.
 * Blocking calls; use them from worker threads.
 */
public final class DestinationWatch {
  private static final Logger LOG = LoggerFactory.getLogger(DestinationWatch.class);
  /** How long {@link #unchanged} waits for its probe before it answers false (and the sync walks). */
  private static final long BARRIER_MS = 500;
  /**
   * Directories watched at most, over all destinations of this JVM: inotify watches are limited per
   * user (8192 on older kernels) and shared with the master's spider watcher and other programs.
   * Beyond it, the destinations armed longest ago are disarmed first (checked once an arming has
   * registered its directories); a destination with more directories than that is not armed.
   */
  static final int MAX_WATCHES = 4096;
  /** File system types whose changes can come from elsewhere, without an inotify event here. */
  private static final Set<String> REMOTE = Set.of("nfs", "nfs4", "cifs", "smb3", "smbfs", "9p", "ceph",
      "glusterfs", "afs", "lustre", "gpfs", "fuse", "fuseblk");
  private static final String PROBE_PREFIX = "probe-" + ProcessHandle.current().pid() + "-";

  private static DestinationWatch shared;

  /** A watched directory: its key and the file key (inode) it had when it was registered. */
  private record Watched(WatchKey key, Object fileKey) {}

  /**
   * A destination whose watches are in place and which has not changed since they were, or, while
   * {@code suspended}, one whose sync is applying changes (its events are ignored).
   */
  private static final class Armed {
    final Path dest;
    final long generation;
    final IgnoreRules ignore;
    /** Claimed in {@link #live}; cancelled by whoever drops the destination. */
    final List<WatchKey> keys = new ArrayList<>();
    /** The watched directories by path relative to {@code dest} ("" for itself). */
    final Map<String, Watched> dirs = new HashMap<>();
    WatchKey reservedKey;
    Object reservedFileKey;
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

  private final WatchService service;
  private final int maxWatches;
  private final long barrierMs;
  private final AtomicLong counter = new AtomicLong();
  /** Directories registered so far (tests: re-arming in place registers only new ones). */
  private final AtomicLong registrations = new AtomicLong();
  // guarded by this
  /** In arming order, oldest first (a re-armed destination goes last). */
  private final Map<Path, Armed> armed = new LinkedHashMap<>();
  /** Destinations whose sync is applying changes; their watches wait for {@link #arm}. */
  private final Map<Path, Armed> suspended = new HashMap<>();
  private final Map<WatchKey, Armed> owners = new IdentityHashMap<>();
  private final Map<String, Probe> probes = new HashMap<>();
  /** OVERFLOWs seen: an arming during which one came cannot trust what it kept. */
  private long overflows;
  /** Keys registered here and not cancelled yet, armed or not. */
  private final Set<WatchKey> live = Collections.newSetFromMap(new IdentityHashMap<>());

  private DestinationWatch(WatchService service, int maxWatches, long barrierMs) {
    this.service = service;
    this.maxWatches = maxWatches;
    this.barrierMs = barrierMs;
    if (service != null) {
      Thread t = new Thread(this::loop, "syncnode-dest-watch");
      t.setDaemon(true);
      t.start();
    }
  }

  /** The JVM's instance; without a watch service (e.g. inotify instance limit) it never arms. */
  public static synchronized DestinationWatch shared() {
    if (shared == null) {
      WatchService ws = null;
      try {
        ws = FileSystems.getDefault().newWatchService();
      } catch (IOException | UnsupportedOperationException e) {
        LOG.warn("cannot watch destinations ({}): every no-change sync walks its destination", e.getMessage());
      }
      shared = new DestinationWatch(ws, MAX_WATCHES, BARRIER_MS);
    }
    return shared;
  }

  /**
   * A separate instance for tests, with its own budget and barrier wait (a test that expects
   * "unchanged" must not depend on the watch thread getting the CPU within 500 ms); {@link #close} it.
   */
  static DestinationWatch forTests(int maxWatches, long barrierMs) throws IOException {
    return new DestinationWatch(FileSystems.getDefault().newWatchService(), maxWatches, barrierMs);
  }

  /** Stops the watch thread and forgets every destination (the shared instance lives as long as the JVM). */
  void close() throws IOException {
    dropAll();
    if (service != null) {
      service.close();
    }
  }

  /**
   * Watches every managed directory of {@code dest} and records it as unchanged from now on; the
   * state written after this is recorded with {@link #written}. Replaces an earlier arming. A
   * destination {@link #suspend suspended} for its sync keeps the watches of its directories that
   * are still the same ones (see the class comment).
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
      if (service == null) {
        throw new IOException("no watch service");
      }
      String type = Files.getFileStore(root).type();
      if (REMOTE.contains(type) || type.startsWith("fuse.")) {
        throw new IOException("a " + type + " file system can change without an event here");
      }
      Path reserved = Files.createDirectories(root.resolve(PathRules.RESERVED_DIR));
      Object reservedFileKey = fileKey(reserved);
      if (previous != null && !(previous.ignore.patterns().equals(ignore.patterns())
          && reservedFileKey.equals(previous.reservedFileKey) && previous.reservedKey.isValid()
          && barrier(previous))) {
        release(previous, null);
        previous = null;
      }
      if (previous != null) {
        a.reservedKey = previous.reservedKey;
        a.keys.add(a.reservedKey);
      } else {
        a.reservedKey = claim(a, reserved.register(service, StandardWatchEventKinds.ENTRY_CREATE));
        registrations.incrementAndGet();
      }
      a.reservedFileKey = reservedFileKey;
      registerTree(a, previous);
      if (a.keys.size() > maxWatches) {
        throw new IOException(a.keys.size() + " directories, more than the budget of " + maxWatches);
      }
    } catch (IOException e) {
      LOG.debug("not watching {}: {}", root, e.getMessage());
      release(previous, a);
      return 0;
    }
    List<WatchKey> unused = new ArrayList<>();
    synchronized (this) {
      if (overflows != overflowsBefore) {
        // events were lost meanwhile, possibly the one that invalidates a kept watch
        LOG.debug("not watching {}: the watch overflowed while it was being armed", root);
        release(previous, a);
        return 0;
      }
      if (previous != null) {
        drop(previous);
        Set<WatchKey> kept = Collections.newSetFromMap(new IdentityHashMap<>());
        kept.addAll(a.keys);
        previous.keys.stream().filter(k -> !kept.contains(k)).forEach(unused::add);
      }
      // over the budget: the destinations armed longest ago make room (they walk from then on)
      Iterator<Armed> oldest = armed.values().iterator();
      while (live.size() - unused.size() > maxWatches && oldest.hasNext()) {
        Armed old = oldest.next();
        oldest.remove();
        drop(old);
        unused.addAll(old.keys);
      }
      for (WatchKey k : a.keys) {
        owners.put(k, a);
      }
      armed.put(root, a);
      notifyAll();
    }
    cancel(unused);
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

  /** Gives up an arming that failed: its keys and those of the suspended one it started from. */
  private void release(Armed previous, Armed failed) {
    List<WatchKey> keys = new ArrayList<>();
    synchronized (this) {
      for (Armed x : new Armed[] {previous, failed}) {
        if (x != null) {
          drop(x);
          keys.addAll(x.keys);
        }
      }
    }
    cancel(keys);
  }

  /**
   * Adds a freshly registered key to {@code a}. The JDK answers a second registration of a watched
   * directory with the same key; such a directory (another destination's, one being cancelled, or one
   * moved here from elsewhere in this destination) cannot be proven for this one, so the arming fails.
   */
  private WatchKey claim(Armed a, WatchKey key) throws IOException {
    synchronized (this) {
      if (!live.add(key)) {
        throw new IOException(key.watchable() + " is already watched");
      }
    }
    a.keys.add(key);
    return key;
  }

  /** The file key (device and inode) of a directory, read without following a symlink. */
  private static Object fileKey(Path dir) throws IOException {
    BasicFileAttributes attrs = Files.readAttributes(dir, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    if (!attrs.isDirectory() || attrs.fileKey() == null) {
      throw new IOException(dir + " is not a directory with a file key");
    }
    return attrs.fileKey();
  }

  /**
   * Registers the managed directories below {@code a.dest}, top-down, or keeps the watch of
   * {@code previous} on a directory that has the same path and file key. The file key is read before
   * registering: should the directory be swapped in between, the stored key is the old one and the
   * next re-arming registers the path again rather than trusting a watch on the wrong directory.
   */
  private void registerTree(Armed a, Armed previous) throws IOException {
    Deque<String> todo = new ArrayDeque<>(List.of(""));
    while (!todo.isEmpty()) {
      String rel = todo.pop();
      Path dir = rel.isEmpty() ? a.dest : a.dest.resolve(rel);
      Object fileKey = fileKey(dir);
      Watched old = previous == null ? null : previous.dirs.get(rel);
      if (old != null && old.key().isValid() && old.fileKey().equals(fileKey)) {
        a.keys.add(old.key());
        a.dirs.put(rel, old);
      } else {
        WatchKey key = claim(a, dir.register(service, StandardWatchEventKinds.ENTRY_CREATE,
            StandardWatchEventKinds.ENTRY_DELETE, StandardWatchEventKinds.ENTRY_MODIFY));
        registrations.incrementAndGet();
        a.dirs.put(rel, new Watched(key, fileKey));
      }
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
        for (Path p : ds) {
          String name = p.getFileName().toString();
          String childRel = rel.isEmpty() ? name : rel + "/" + name;
          if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) && !PathRules.isReserved(childRel)
              && !a.ignore.isIgnored(childRel, true)) {
            todo.push(childRel);
          }
        }
      }
    }
  }

  /** Directories registered so far by this instance. */
  long registrations() {
    return registrations.get();
  }

  /** Records the state written after arming {@code generation}, unless the destination changed since. */
  public synchronized void written(Path dest, long generation, LocalState.State state) {
    Armed a = armed.get(dest.toAbsolutePath().normalize());
    if (a != null && a.generation == generation) {
      a.written = state;
    }
  }

  /** Stops watching {@code dest}, armed or suspended; its next no-change sync walks. */
  public void disarm(Path dest) {
    Path root = dest.toAbsolutePath().normalize();
    List<WatchKey> keys = new ArrayList<>();
    synchronized (this) {
      for (Armed a : new Armed[] {armed.get(root), suspended.get(root)}) {
        if (a != null) {
          drop(a);
          keys.addAll(a.keys);
        }
      }
    }
    cancel(keys);
  }

  /**
   * Whether {@code dest} provably holds what {@code stored} says: it is armed, the state recorded at
   * arming equals {@code stored}, the ignore rules are the same, and after the barrier (see the class
   * comment) no change has been seen. False whenever that cannot be shown in time.
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

  /**
   * Waits until the watch thread has handled every event signalled for {@code a}'s directories before
   * now (see the class comment). False when that cannot be shown in time, or {@code a} is dropped
   * meanwhile.
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

  private void loop() {
    while (true) {
      try {
        WatchKey key = service.take();
        do {
          handle(key);
        } while ((key = service.poll()) != null);
        // the queue was empty: every event signalled before a probe seen in this round is handled
        synchronized (this) {
          for (Probe p : probes.values()) {
            p.done |= p.seen;
          }
          notifyAll();
        }
      } catch (ClosedWatchServiceException | InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        LOG.warn("destination watch failed; disarming every destination", e);
        dropAll();
      }
    }
  }

  /**
   * Processes one key's events. A destination that changed has its watches cancelled before anyone
   * waiting on it is woken, so a sync that re-arms it right away finds its directories free again.
   * A suspended destination's events are ignored, except its barrier probes; a directory of it that
   * went away leaves an invalid key, which re-arming does not keep.
   */
  private void handle(WatchKey key) {
    List<WatchEvent<?>> events = key.pollEvents();
    boolean valid = key.reset();
    synchronized (this) {
      Armed a = owners.get(key);
      if (a == null) {
        return; // cancelled, or registered by an arming not finished yet (then before the fingerprint)
      }
      boolean changed = !valid && !a.suspended;
      for (WatchEvent<?> ev : events) {
        if (ev.kind() == StandardWatchEventKinds.OVERFLOW) {
          overflows++;
          dropAll();
          return;
        }
        String name = ev.context().toString();
        if (key == a.reservedKey) {
          Probe p = probes.get(name);
          if (p != null && p.owner == a) {
            p.seen = true;
          }
        } else if (!changed && !a.suspended) {
          changed = manages(a, (Path) key.watchable(), name, ev.kind());
        }
      }
      if (changed) {
        drop(a);
        cancel(a.keys);
        notifyAll();
      }
    }
  }

  /**
   * Whether the event is about an entry a sync manages. Whether a name is ignored can depend on its
   * type; the type is read now, which is sound for CREATE and MODIFY (a file cannot turn into a
   * directory or back without a DELETE of the name), while a DELETE counts unless the name is
   * ignored as a file and as a directory alike.
   */
  private static boolean manages(Armed a, Path dir, String name, WatchEvent.Kind<?> kind) {
    Path child = dir.resolve(name);
    String rel = PathRules.relative(a.dest, child);
    if (PathRules.isReserved(rel)) {
      return false;
    }
    if (kind == StandardWatchEventKinds.ENTRY_DELETE) {
      return !(a.ignore.isIgnored(rel, false) && a.ignore.isIgnored(rel, true));
    }
    return !a.ignore.isIgnored(rel, Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS));
  }

  /** Forgets {@code a}; the caller cancels its keys (those another arming kept are its own now). */
  private void drop(Armed a) {
    a.dropped = true;
    armed.remove(a.dest, a);
    suspended.remove(a.dest, a);
    for (WatchKey k : a.keys) {
      owners.remove(k, a);
    }
  }

  /** Drops every destination, armed or suspended, and wakes whoever waits. */
  private synchronized void dropAll() {
    List<Armed> all = new ArrayList<>(armed.values());
    all.addAll(suspended.values());
    for (Armed a : all) {
      drop(a);
      cancel(a.keys);
    }
    notifyAll();
  }


  /**
   * Cancels keys this instance registered; only then may the JDK hand out their directories again.
   * Safe under this object's lock: the JDK's poller, which completes a cancel, never takes it.
   */
  private void cancel(List<WatchKey> keys) {
    for (WatchKey k : keys) {
      k.cancel();
      synchronized (this) {
        live.remove(k);
      }
    }
  }
}
