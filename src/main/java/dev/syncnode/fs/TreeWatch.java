package dev.syncnode.fs;

import java.io.Closeable;
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
import java.util.Deque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Recursive directory watching: one JDK {@link WatchService} (inotify) and one daemon thread per
 * instance. A {@link Tree} is a root and the directories below it that its filter admits (by path
 * relative to the root, "" for the root itself), one watch each; the events of a directory reach the
 * {@link Listener} on the watch thread with the tree and the directory's relative path. After each
 * round the listener hears {@link Listener#drained}: every event signalled before the queue was found
 * empty has been handed over (the JDK reads inotify in order, and this thread resets each key before
 * it takes the next). A tree holds at most {@code maxPerTree} watches; the JDK answers a second
 * registration of a watched directory with the same key, so such a directory is never claimed twice.
 */
public final class TreeWatch implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(TreeWatch.class);

  /**
   * {@code EXACT}: every admitted directory is watched at registration or it fails, nothing is added
   * later. {@code FOLLOW}: what can be watched is ({@link Listener#unwatchable}), new directories too.
   */
  public enum Mode { EXACT, FOLLOW }

  /** Called under no lock of this class: on the watch thread, {@code unwatchable} on the registering one. */
  public interface Listener {
    /**
     * Events on the directory {@code rel} of {@code tree}; {@code gone}: it is not watched any more
     * (deleted, moved away). In {@link Mode#FOLLOW}, new directories are watched before this call.
     */
    void changed(Tree tree, String rel, List<WatchEvent<?>> events, boolean gone);

    /** Events were lost (OVERFLOW): any tree may have changed. */
    void overflow();

    /** The queue was found empty: every event signalled before has been handed over. */
    default void drained() {}

    /** A directory of a {@link Mode#FOLLOW} tree that could not be watched (e.g. the inotify limit). */
    default void unwatchable(Tree tree, Path dir, IOException e) {}
  }

  /** A watched directory: its key and the file key (device, inode) it had when it was registered. */
  private record Watched(WatchKey key, Object fileKey) {}

  /** Which tree a key belongs to, and under which relative path. */
  private record Owner(Tree tree, String rel) {}

  /** A watched root; its fields are guarded by the {@link TreeWatch} that made it. */
  public final class Tree {
    private final Path root;
    private final Predicate<String> filter;
    private final Mode mode;
    private final Map<String, Watched> dirs = new HashMap<>();
    private volatile boolean cancelled;

    private Tree(Path root, Predicate<String> filter, Mode mode) {
      this.root = root;
      this.filter = filter;
      this.mode = mode;
    }

    public Path root() {
      return root;
    }

    /** Directories watched now. */
    public int size() {
      synchronized (TreeWatch.this) {
        return dirs.size();
      }
    }
  }

  private static final WatchEvent.Kind<?>[] KINDS = {StandardWatchEventKinds.ENTRY_CREATE,
      StandardWatchEventKinds.ENTRY_DELETE, StandardWatchEventKinds.ENTRY_MODIFY};

  private final WatchService service;
  private final int maxPerTree;
  private final Listener listener;
  /** Tests: re-watching in place registers only new directories. */
  private final AtomicLong registrations = new AtomicLong();
  // guarded by this
  private final Map<WatchKey, Owner> owners = new IdentityHashMap<>();

  /** Opens a watch service and starts the thread {@code threadName} that reads it. */
  public TreeWatch(String threadName, int maxPerTree, Listener listener) throws IOException {
    this.service = FileSystems.getDefault().newWatchService();
    this.maxPerTree = maxPerTree;
    this.listener = listener;
    Thread t = new Thread(this::loop, threadName);
    t.setDaemon(true);
    t.start();
  }

  /**
   * Watches {@code root} and the directories below it that {@code filter} admits, top-down. With
   * {@code keepFrom} (an earlier tree of the same root), a directory at the same path that is still the
   * same one (same file key) keeps its watch instead of being registered again; {@code keepFrom} is
   * cancelled either way. In {@link Mode#EXACT}, any directory that cannot be claimed fails the whole.
   * Blocking.
   */
  public Tree watch(Path root, Predicate<String> filter, Mode mode, Tree keepFrom) throws IOException {
    Tree t = new Tree(root, filter, mode);
    try {
      register(t, "", keepFrom);
      return t;
    } catch (IOException | RuntimeException e) {
      cancel(t);
      throw e;
    } finally {
      if (keepFrom != null) {
        cancel(keepFrom);
      }
    }
  }

  /** Whether {@code rel} of {@code t} is watched, and still on the directory there now. */
  public boolean watches(Tree t, String rel) {
    Watched w;
    synchronized (this) {
      w = t.cancelled ? null : t.dirs.get(rel);
    }
    try {
      return w != null && w.key().isValid() && w.fileKey().equals(fileKey(t.root.resolve(rel)));
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Stops watching {@code t} (idempotent). Its keys are cancelled before they are forgotten: until the
   * JDK has completed a cancel, a new registration of the directory would get the dying key back.
   * Safe under a caller's lock: the JDK's poller, which completes a cancel, takes none of ours.
   */
  public synchronized void cancel(Tree t) {
    t.cancelled = true;
    for (Watched w : t.dirs.values()) {
      w.key().cancel();
      owners.remove(w.key()); // a tree's keys are its own: a kept one left the tree it came from
    }
    t.dirs.clear();
  }

  /** Watches held by all trees together. */
  public synchronized int watches() {
    return owners.size();
  }

  /** Directories registered so far by this instance. */
  public long registrations() {
    return registrations.get();
  }

  /** Stops the thread and every watch. */
  @Override
  public void close() throws IOException {
    service.close();
  }

  private void register(Tree t, String start, Tree keepFrom) throws IOException {
    Deque<String> todo = new ArrayDeque<>(List.of(start));
    while (!todo.isEmpty()) {
      String rel = todo.pop();
      Path dir = rel.isEmpty() ? t.root : t.root.resolve(rel);
      try {
        if (!claim(t, rel, dir, keepFrom)) {
          continue;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
          for (Path p : ds) {
            String child = rel.isEmpty() ? p.getFileName().toString() : rel + "/" + p.getFileName();
            if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) && t.filter.test(child)) {
              todo.push(child);
            }
          }
        }
      } catch (IOException e) {
        if (t.mode == Mode.EXACT) {
          throw e;
        }
        if (!t.cancelled) {
          listener.unwatchable(t, dir, e);
        }
      }
    }
  }

  /**
   * Gives {@code t} a watch on {@code dir}: the one of {@code keepFrom} when it is on the same directory,
   * else a new one. The file key is read before registering: should the directory be swapped in
   * between, the stored key is the old one and a later re-watch registers the path again rather than
   * trusting a watch on the wrong directory. False: already watched (a {@link Mode#FOLLOW} tree skips it).
   */
  private boolean claim(Tree t, String rel, Path dir, Tree keepFrom) throws IOException {
    Object fileKey = fileKey(dir);
    synchronized (this) {
      if (t.cancelled) {
        throw new IOException("no longer watched");
      }
      Watched old = keepFrom == null || keepFrom.cancelled ? null : keepFrom.dirs.get(rel);
      if (old != null && old.key().isValid() && old.fileKey().equals(fileKey)) {
        keepFrom.dirs.remove(rel);
        t.dirs.put(rel, old);
        owners.put(old.key(), new Owner(t, rel));
        return true;
      }
      if (t.dirs.size() >= maxPerTree) {
        throw new IOException("more than " + maxPerTree + " directories");
      }
    }
    WatchKey key;
    try {
      key = dir.register(service, KINDS);
    } catch (ClosedWatchServiceException e) { // closed by its owner's stop while a registration ran
      throw new IOException("the watch is closed", e);
    }
    registrations.incrementAndGet();
    synchronized (this) {
      if (owners.containsKey(key)) {
        // another tree's, one being cancelled, or one moved here: events would name the wrong path
        if (t.mode == Mode.EXACT) {
          throw new IOException(dir + " is already watched");
        }
        return false;
      }
      if (t.cancelled) {
        key.cancel();
        throw new IOException("no longer watched");
      }
      owners.put(key, new Owner(t, rel));
      t.dirs.put(rel, new Watched(key, fileKey));
      return true;
    }
  }

  /** The file key (device and inode) of a directory, read without following a symlink. */
  private static Object fileKey(Path dir) throws IOException {
    BasicFileAttributes attrs = Files.readAttributes(dir, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    if (!attrs.isDirectory() || attrs.fileKey() == null) {
      throw new IOException(dir + " is not a directory with a file key");
    }
    return attrs.fileKey();
  }

  private void loop() {
    while (true) {
      try {
        WatchKey key = service.take();
        do {
          dispatch(key);
        } while ((key = service.poll()) != null);
        listener.drained();
      } catch (ClosedWatchServiceException | InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        LOG.warn("a directory watch listener failed; treating it as lost events", e);
        listener.overflow();
      }
    }
  }

  private void dispatch(WatchKey key) {
    List<WatchEvent<?>> events = key.pollEvents();
    boolean valid = key.reset();
    if (events.stream().anyMatch(ev -> ev.kind() == StandardWatchEventKinds.OVERFLOW)) {
      listener.overflow();
      events = events.stream().filter(ev -> ev.kind() != StandardWatchEventKinds.OVERFLOW).toList();
    }
    Owner o;
    synchronized (this) {
      o = owners.get(key);
      if (o == null) {
        return; // cancelled meanwhile
      }
      if (!valid) {
        owners.remove(key);
        Watched w = o.tree().dirs.get(o.rel());
        if (w != null && w.key() == key) {
          o.tree().dirs.remove(o.rel());
        }
      }
    }
    if (o.tree().mode == Mode.FOLLOW) {
      follow(o, events);
    }
    listener.changed(o.tree(), o.rel(), events, !valid);
  }

  /** Watches the admitted directories created in {@code o}'s directory, and what they hold already. */
  private void follow(Owner o, List<WatchEvent<?>> events) {
    for (WatchEvent<?> ev : events) {
      if (ev.kind() == StandardWatchEventKinds.ENTRY_CREATE) {
        String child = o.rel().isEmpty() ? ev.context().toString() : o.rel() + "/" + ev.context();
        if (Files.isDirectory(o.tree().root.resolve(child), LinkOption.NOFOLLOW_LINKS)
            && o.tree().filter.test(child)) {
          try {
            register(o.tree(), child, null);
          } catch (IOException e) {
            LOG.debug("cannot watch {}: {}", child, e.getMessage());
          }
        }
      }
    }
  }
}
