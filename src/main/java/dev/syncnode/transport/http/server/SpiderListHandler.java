package dev.syncnode.transport.http.server;

import dev.syncnode.config.ConfigHolder;
import dev.syncnode.manifest.PathRules;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * {@code GET /api/spiders}: {@code {"spiders": ["id", ...]}}, the directories of the workspace whose
 * names are valid spider ids (symlinks excluded, as {@code SpiderPaths} refuses them), sorted. The
 * listing runs on a worker thread; a missing workspace lists nothing.
 */
final class SpiderListHandler implements Handler<RoutingContext> {
  private final Vertx vertx;
  private final ConfigHolder config;

  SpiderListHandler(Vertx vertx, ConfigHolder config) {
    this.vertx = vertx;
    this.config = config;
  }

  @Override
  public void handle(RoutingContext ctx) {
    Path workspace = Path.of(config.get().node().workspace());
    vertx.executeBlocking(() -> list(workspace), false)
        .onSuccess(ids -> HttpReplies.json(ctx, 200, new JsonObject().put("spiders", new JsonArray(ids))))
        .onFailure(err -> HttpReplies.fail(ctx, err));
  }

  /** Blocking. */
  static List<String> list(Path workspace) throws IOException {
    if (!Files.isDirectory(workspace)) {
      return List.of();
    }
    List<String> ids = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(workspace)) {
      for (Path p : ds) {
        String name = p.getFileName().toString();
        if (PathRules.isValidSpiderId(name) && Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          ids.add(name);
        }
      }
    }
    Collections.sort(ids);
    return ids;
  }
}
