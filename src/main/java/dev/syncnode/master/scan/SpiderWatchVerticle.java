package dev.syncnode.master.scan;

import dev.syncnode.bus.Addresses;
import dev.syncnode.config.ConfigHolder;
import dev.syncnode.fs.TreeWatch;
import dev.syncnode.manifest.IgnoreRules;
import dev.syncnode.manifest.PathRules;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.WatchEvent;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the master's scan cache fresh: watches every spider tree of the workspace (a {@link TreeWatch}
 * that follows new directories, ignored ones left out) and invalidates a spider's cached manifests as
 * soon as anything in it is created, deleted or modified. So a cached manifest is current, not just
 * younger than {@code sync.grpcCacheTtl}: a no-change sync is answered from the cache without a walk,
 * and a change is seen by the next sync. The TTL stays as a backstop (and is all there is for a tree
 * that cannot be watched, e.g. when the inotify watch limit is reached). Events are read on the
 * watch's thread, never on an event loop. A workspace that does not exist yet (or is deleted) is
 * looked for every second and watched once it is there. With {@code sync.prescan} it also has each
 * spider scanned before a worker asks: all of them once the workspace is watched, a changed one once
 * its changes settle ({@link Prewarm}).
 */
public final class SpiderWatchVerticle extends VerticleBase implements TreeWatch.Listener {
  private static final Logger LOG = LoggerFactory.getLogger(SpiderWatchVerticle.class);
  /** Invalidation message body that drops every spider. */
  public static final String ALL = "*";

  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);

  /** How often a missing workspace is looked for. */
  static final long WORKSPACE_POLL_MS = 1000;
  /** Directories watched at most; the kernel's per-user limit usually comes first. */
  private static final int MAX_WATCHES = 1 << 16;
  /** Marker in a batch of touched spiders: the workspace directory itself is gone. */
  private static final String WORKSPACE_GONE = "/";

  private final ConfigHolder config;
  private TreeWatch watch;
  private Path workspace;
  private volatile TreeWatch.Tree tree;
  private volatile boolean stopping;
  private volatile boolean warnedLimit;
  private long workspaceTimer = -1;
  private boolean checking;
  /** Spiders touched in the current round of the watch thread; only that thread uses it. */
  private final Set<String> touched = new HashSet<>();
  private Prewarm prewarm;

  public SpiderWatchVerticle(ConfigHolder config) {
    this.config = config;
  }

  @Override
  public Future<?> start() {
    workspace = Path.of(config.get().node().workspace()).toAbsolutePath().normalize();
    prewarm = new Prewarm(vertx, () -> config.get().sync().timeout().scan().toMillis(),
        () -> config.get().sync().prescan());
    return vertx.executeBlocking(() -> {
      watch = new TreeWatch("syncnode-spider-watch", MAX_WATCHES, this);
      return armIfPresent();
    }, false).onSuccess(spiders -> {
      if (spiders == null) {
        waitForWorkspace();
      } else {
        prewarm.all(spiders);
      }
    });
  }

  @Override
  public Future<?> stop() throws IOException {
    stopping = true;
    vertx.cancelTimer(workspaceTimer);
    prewarm.stop();
    watch.close();
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
        if (ar.succeeded() && ar.result() != null) {
          vertx.cancelTimer(id);
          vertx.eventBus().send(Addresses.CACHE_INVALIDATE, ALL, LOCAL);
          vertx.eventBus().publish(Addresses.SPIDER_CHANGED, ALL, LOCAL);
          prewarm.all(ar.result());
        } else if (ar.failed()) {
          LOG.debug("cannot watch {} yet: {}", workspace, ar.cause().getMessage());
        }
      });
    });
  }

  /**
   * Blocking: watches the workspace and its spider trees and returns the spiders there (none when
   * {@code sync.prescan} is off); null (nothing done) when it is not there.
   */
  private List<String> armIfPresent() throws IOException {
    if (stopping || !Files.isDirectory(workspace)) {
      return null;
    }
    warnedLimit = false;
    TreeWatch.Tree t = watch.watch(workspace, this::watches, TreeWatch.Mode.FOLLOW, null);
    tree = t;
    LOG.info("watching {} directories of the spiders in {}", t.size() - 1, workspace);
    return config.get().sync().prescan() ? spiders() : List.of();
  }

  /** Blocking: the spider directories of the workspace (at most {@link Prewarm#MAX_PENDING}). */
  private List<String> spiders() throws IOException {
    List<String> out = new ArrayList<>();
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(workspace)) {
      for (Path p : dir) {
        if (out.size() >= Prewarm.MAX_PENDING) {
          break;
        }
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          out.add(p.getFileName().toString());
        }
      }
    }
    return out;
  }

  /** The workspace, each spider, and the directories of a spider that are neither reserved nor ignored. */
  private boolean watches(String rel) {
    int slash = rel.indexOf('/');
    String inSpider = slash < 0 ? "" : rel.substring(slash + 1);
    return inSpider.isEmpty() || !PathRules.isReserved(inSpider) && !ignore().isIgnoredWithParents(inSpider, true);
  }

  /** The configured ignore rules (parsed once per pattern list, by the config). */
  private IgnoreRules ignore() {
    return config.get().sync().ignoreRules();
  }

  @Override
  public void unwatchable(TreeWatch.Tree t, Path dir, IOException e) {
    if (!warnedLimit) {
      warnedLimit = true;
      LOG.warn("cannot watch {} ({}): changes below it are seen after sync.grpcCacheTtl only", dir, e.getMessage());
    }
  }

  @Override
  public void changed(TreeWatch.Tree t, String rel, List<WatchEvent<?>> events, boolean gone) {
    // only the one live tree reports (a cancelled one is silent), also while it is being registered
    IgnoreRules rules = ignore();
    for (WatchEvent<?> ev : events) {
      String child = rel.isEmpty() ? ev.context().toString() : rel + "/" + ev.context();
      int slash = child.indexOf('/');
      String inSpider = slash < 0 ? "" : child.substring(slash + 1);
      if (!inSpider.isEmpty() && (PathRules.isReserved(inSpider)
          || rules.isIgnored(inSpider, Files.isDirectory(workspace.resolve(child), LinkOption.NOFOLLOW_LINKS)))) {
        continue;
      }
      // a new directory is watched already: what was written into it before is covered by this invalidation
      touched.add(slash < 0 ? child : child.substring(0, slash));
    }
    if (gone && rel.isEmpty()) {
      touched.add(ALL);
      touched.add(WORKSPACE_GONE);
    } else if (gone) {
      touched.add(rel.split("/", 2)[0]); // a directory of it went away: its spider changed
    }
  }

  /** On the event loop: the changed spiders are scanned once they settle; after an overflow, every spider. */
  private void settle(List<String> changed) {
    if (stopping || changed.isEmpty() || !config.get().sync().prescan()) {
      return; // off (the default): not even the listing after an overflow
    }
    if (!changed.contains(ALL)) {
      changed.forEach(prewarm::changed);
      return;
    }
    vertx.executeBlocking(this::spiders, false).onSuccess(all -> all.forEach(prewarm::changed));
  }

  @Override
  public void overflow() {
    touched.add(ALL);
  }

  /** Sends the round's invalidations; the workspace itself gone means waiting for it again. */
  @Override
  public void drained() {
    boolean workspaceGone = touched.remove(WORKSPACE_GONE);
    for (String spiderId : touched) {
      vertx.eventBus().send(Addresses.CACHE_INVALIDATE, spiderId, LOCAL);
      vertx.eventBus().publish(Addresses.SPIDER_CHANGED, spiderId, LOCAL);
    }
    List<String> changed = List.copyOf(touched);
    touched.clear();
    if (!workspaceGone) {
      context.runOnContext(v -> settle(changed));
    }
    TreeWatch.Tree t = tree;
    if (workspaceGone && t != null) {
      tree = null;
      watch.cancel(t);
      context.runOnContext(v -> {
        if (!stopping) {
          waitForWorkspace();
        }
      });
    }
  }
}
