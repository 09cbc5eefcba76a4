package dev.syncnode.cache;

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
 */
public final class SpiderWatchVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(SpiderWatchVerticle.class);
  /** Invalidation message body that drops every spider. */
  public static final String ALL = "*";

  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);

  private final ConfigHolder config;
  private WatchService watcher;
  private Path workspace;
  private Thread thread;
  private volatile boolean stopping;
  private boolean warnedLimit;

  public SpiderWatchVerticle(ConfigHolder config) {
    this.config = config;
  }

  @Override
  public Future<?> start() {
    workspace = Path.of(config.get().node().workspace()).toAbsolutePath().normalize();
    return vertx.executeBlocking(() -> {
      if (!Files.isDirectory(workspace)) {
        LOG.warn("workspace {} does not exist: spider trees are not watched (the scan cache TTL applies)", workspace);
        return null;
      }
      watcher = FileSystems.getDefault().newWatchService();
      workspace.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_DELETE);
      int dirs = 0;
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(workspace)) {
        for (Path spider : ds) {
          if (Files.isDirectory(spider, LinkOption.NOFOLLOW_LINKS)) {
            dirs += registerTree(spider);
          }
        }
      }
      LOG.info("watching {} directories of the spiders in {}", dirs, workspace);
      thread = new Thread(this::loop, "syncnode-spider-watch");
      thread.setDaemon(true);
      thread.start();
      return null;
    }, false);
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    if (watcher != null) {
      try {
        watcher.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
    return Future.succeededFuture();
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

  private void loop() {
    while (!stopping) {
      WatchKey key;
      try {
        key = watcher.take();
      } catch (InterruptedException | ClosedWatchServiceException e) {
        return;
      }
      Set<String> touched = new HashSet<>();
      IgnoreRules ignore = IgnoreRules.of(config.get().sync().ignore());
      do {
        handle(key, touched, ignore);
      } while ((key = watcher.poll()) != null);
      for (String spiderId : touched) {
        vertx.eventBus().send(Addresses.CACHE_INVALIDATE, spiderId, LOCAL);
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
      // the directory is gone (deleted or moved): its spider changed
      touched.add(rel(dir).split("/", 2)[0]);
    }
  }
}
