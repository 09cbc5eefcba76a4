package dev.syncnode.config;

import io.vertx.config.spi.ConfigStore;
import io.vertx.config.spi.ConfigStoreFactory;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;

/**
 * The config-retriever store {@value #TYPE}: the stock "file" store, except that a read never fails.
 * A failing store makes the retriever log an error with a stack trace on every scan (every second);
 * this one hands {@link YamlFileProcessor} a marker instead ({@link #MISSING} or {@link #UNREADABLE}
 * plus the reason), which it turns into a one-key object that {@link ConfigService} reports once.
 * Registered in {@code META-INF/services/io.vertx.config.spi.ConfigStoreFactory}.
 */
public final class ConfigFileStore implements ConfigStore {
  public static final String TYPE = "syncnode-file";
  /** Store content for a file that does not exist; NUL never occurs in a YAML or JSON file. */
  static final String MISSING = "\u0000syncnode:missing";
  /** Prefix of the store content for a file that exists but cannot be read; the reason follows. */
  static final String UNREADABLE = "\u0000syncnode:unreadable:";

  private final Vertx vertx;
  private final String path;

  ConfigFileStore(Vertx vertx, String path) {
    this.vertx = vertx;
    this.path = path;
  }

  @Override
  public Future<Buffer> get() {
    return vertx.fileSystem().readFile(path).recover(err -> Future.succeededFuture(Buffer.buffer(marker(err))));
  }

  private static String marker(Throwable err) {
    for (Throwable c = err; c != null; c = c.getCause()) {
      if (c instanceof NoSuchFileException) {
        return MISSING;
      }
      if (c instanceof AccessDeniedException) {
        return UNREADABLE + "Permission denied";
      }
    }
    return UNREADABLE + YamlConfig.oneLine(String.valueOf(err.getMessage()));
  }

  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }

  /** The SPI entry: {@code {"path": "..."}} as the store config. */
  public static final class Factory implements ConfigStoreFactory {
    @Override
    public String name() {
      return TYPE;
    }

    @Override
    public ConfigStore create(Vertx vertx, JsonObject configuration) {
      String path = configuration.getString("path");
      if (path == null || path.isBlank()) {
        throw new IllegalArgumentException("the " + TYPE + " config store needs a path");
      }
      return new ConfigFileStore(vertx, path);
    }
  }
}
