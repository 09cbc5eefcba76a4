package dev.syncnode.master.scan;

import dev.syncnode.bus.Addresses;
import dev.syncnode.config.ConfigHolder;
import dev.syncnode.manifest.IgnoreRules;
import dev.syncnode.manifest.PathRules;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
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
import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the master's scan cache fresh: watches every spider tree of the workspace (inotify through
 * the JDK's {@link WatchService}, one watch per directory, ignored directories left out) and
 * invalidates a spider's cached manifests as soon as anything in it is created, deleted or
 * modified. So a cached manifest is current, not just younger than {@code sync.grpcCacheTtl}: a
 * no-change sync is answered from the cache without a walk, and a change is seen by the next sync.
 * The TTL stays as a backstop (and is all there is for a tree that cannot be watched, e.g. when the
 * inotify watch limit is reached). Events are read on a dedicated thread, never on an event loop.
 * A workspace that does not exist yet (or is deleted) is looked for every second and watched once
 * it is there.
 */
public final class SpiderWatchVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(SpiderWatchVerticle.class);
  /** Invalidation message body that drops every spider. */
  public static final String ALL = "*";

  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);

  /** How often a missing workspace is looked for. */
  static final long WORKSPACE_POLL_MS = 1000;
  /** Marker in a batch of touched spiders: the workspace directory itself is gone. */
  private static final String WORKSPACE_GONE = "/";

  private final ConfigHolder config;
  private volatile WatchService watcher;
  private Path workspace;
  private volatile boolean stopping;
  private boolean warnedLimit;
  private long workspaceTimer = -1;
  private boolean checking;

  public SpiderWatchVerticle(ConfigHolder config) {
    this.config = config;
  }

  @Override
  public Future<?> start() {
    workspace = Path.of(config.get().node().workspace()).toAbsolutePath().normalize();
    return vertx.executeBlocking(this::armIfPresent, false).onSuccess(armed -> {
      if (!armed) {
        waitForWorkspace();
      }
    });
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    vertx.cancelTimer(workspaceTimer);
    closeWatcher();
    return Future.succeededFuture();
  }

  /**
   * Until the workspace exists, checks for it every {@link #WORKSPACE_POLL_MS}; once it does, watches
   * it and drops every cached manifest (spiders may have been asked for, and cached, before).
   */
  private void waitForWorkspace() {
    LOG.warn("workspace {} does not exist: no spiders to serve until it is created (it is watched from then on)",
        workspace);
    workspaceTimer = vertx.setPeriodic(WORKSPACE_POLL_MS, id -> {
      if (checking || stopping) {
        return;
      }
      checking = true;
      vertx.executeBlocking(this::armIfPresent, false).onComplete(ar -> {
        checking = false;
        if (ar.succeeded() && ar.result()) {
          vertx.cancelTimer(id);
          vertx.eventBus().send(Addresses.CACHE_INVALIDATE, ALL, LOCAL);
        } else if (ar.failed()) {
          LOG.debug("cannot watch {} yet: {}", workspace, ar.cause().getMessage());
        }
      });
    });
  }

  /** Blocking: watches the workspace and its spider trees; false (nothing done) when it is not there. */
  private boolean armIfPresent() throws IOException {
    if (stopping || !Files.isDirectory(workspace)) {
      return false;
    }
    WatchService w = FileSystems.getDefault().newWatchService();
    watcher = w;
    if (stopping) {
      closeWatcher(); // stop() ran while this was being set up
      return false;
    }
    warnedLimit = false;
    workspace.register(w, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_DELETE);
    int dirs = 0;
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(workspace)) {
      for (Path spider : ds) {
        if (Files.isDirectory(spider, LinkOption.NOFOLLOW_LINKS)) {
          dirs += registerTree(spider);
        }
      }
    }
    LOG.info("watching {} directories of the spiders in {}", dirs, workspace);
    Thread t = new Thread(() -> loop(w), "syncnode-spider-watch");
    t.setDaemon(true);
    t.start();
    return true;
  }

  private void closeWatcher() {
    WatchService w = watcher;
    if (w != null) {
      try {
        w.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
  }

  /** Registers {@code dir} and every directory below it that is not ignored; returns how many. */
  private int registerTree(Path dir) {
    String rel = rel(dir);
    int slash = rel.indexOf('/');
    String inSpider = slash < 0 ? "" : rel.substring(slash + 1);
    IgnoreRules ignore = IgnoreRules.of(config.get().sync().ignore());
    if (!inSpider.isEmpty() && (PathRules.isReserved(inSpider) || ignore.isIgnoredWithParents(inSpider, true))) {
      return 0;
    }
    try {
      dir.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_DELETE,
          StandardWatchEventKinds.ENTRY_MODIFY);
    } catch (IOException e) {
      if (!warnedLimit) {
        warnedLimit = true;
        LOG.warn("cannot watch {} ({}): changes below it are seen after sync.grpcCacheTtl only", dir,
            e.getMessage());
      }
      return 0;
    }
    int n = 1;
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path child : ds) {
        if (Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS)) {
          n += registerTree(child);
        }
      }
    } catch (IOException e) {
      LOG.debug("cannot list {}: {}", dir, e.getMessage());
    }
    return n;
  }

  private String rel(Path p) {
    return PathRules.relative(workspace, p);
  }

  private void loop(WatchService w) {
    while (!stopping) {
      WatchKey key;
      try {
        key = w.take();
      } catch (InterruptedException | ClosedWatchServiceException e) {
        return;
      }
      Set<String> touched = new HashSet<>();
      IgnoreRules ignore = IgnoreRules.of(config.get().sync().ignore());
      do {
        handle(key, touched, ignore);
      } while ((key = w.poll()) != null);
      boolean workspaceGone = touched.remove(WORKSPACE_GONE);
      for (String spiderId : touched) {
        vertx.eventBus().send(Addresses.CACHE_INVALIDATE, spiderId, LOCAL);
      }
      if (workspaceGone) {
        // the workspace itself was deleted or moved: wait for it again, as at a start without one
        closeWatcher();
        context.runOnContext(v -> {
          if (!stopping) {
            waitForWorkspace();
          }
        });
        return;
      }
    }
  }

  private void handle(WatchKey key, Set<String> touched, IgnoreRules ignore) {
    Path dir = (Path) key.watchable();
    for (WatchEvent<?> ev : key.pollEvents()) {
      if (ev.kind() == StandardWatchEventKinds.OVERFLOW) {
        touched.add(ALL);
        continue;
      }
      Path child = dir.resolve((Path) ev.context());
      String rel = rel(child);
      int slash = rel.indexOf('/');
      String spiderId = slash < 0 ? rel : rel.substring(0, slash);
      String inSpider = slash < 0 ? "" : rel.substring(slash + 1);
      boolean isDir = Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS);
      if (!inSpider.isEmpty() && (PathRules.isReserved(inSpider) || ignore.isIgnored(inSpider, isDir))) {
        continue;
      }
      if (ev.kind() == StandardWatchEventKinds.ENTRY_CREATE && isDir) {
        // whatever was written into it before the watch existed is covered by this invalidation,
        // which is sent after the registration
        registerTree(child);
      }
      touched.add(spiderId);
    }
    if (!key.reset()) {
      // the directory is gone (deleted or moved): its spider changed, or every spider did
      if (dir.equals(workspace)) {
        touched.add(ALL);
        touched.add(WORKSPACE_GONE);
      } else {
        touched.add(rel(dir).split("/", 2)[0]);
      }
    }
  }
}
