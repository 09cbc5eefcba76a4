package dev.syncnode.config;

import io.vertx.config.spi.ConfigProcessor;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;

/**
 * The config-retriever format {@value #FORMAT} used by {@link ConfigService}: the file parsed by
 * {@link YamlConfig#parse(String, String)} on a worker thread. It differs from the stock {@code yaml}
 * format in these ways:
 * <ul>
 *   <li>a file holding only comments is {@code {}} (the stock format hands the retriever a null and the
 *       scan fails);
 *   <li>a parse error does not fail the scan: it becomes {@code {"<ERROR_KEY>": "<message>"}}. The
 *       retriever then sees a change (and sees the fix as one later), and does not log the same stack
 *       trace on every scan; {@link ConfigService} turns it into a rejection.
 *   <li>the markers of {@link ConfigFileStore} (missing or unreadable file) become
 *       {@code {"<MISSING_KEY>": true}} or an {@code ERROR_KEY} object, so they are changes too;
 *   <li>a file whose text is the same as at the previous scan is not parsed again (the retriever reads
 *       the file every scan period, usually every second, on every node).
 * </ul>
 * Registered in {@code META-INF/services/io.vertx.config.spi.ConfigProcessor}.
 */
public class YamlFileProcessor implements ConfigProcessor {
  public static final String FORMAT = "syncnode-yaml";
  /** Key of the one-key object standing for a file that does not parse or cannot be read. */
  public static final String ERROR_KEY = "syncnode.config.parseError";
  /** Key of the one-key object standing for a file that does not exist ({@link ConfigFileStore}). */
  public static final String MISSING_KEY = "syncnode.config.missing";

  @Override
  public String name() {
    return FORMAT;
  }

  /** The last file parsed, by name and text, with its result. */
  private record Parsed(String name, String text, JsonObject json) {}

  private volatile Parsed last;

  @Override
  public Future<JsonObject> process(Vertx vertx, JsonObject configuration, Buffer input) {
    String name = configuration == null ? "" : configuration.getString("path", "");
    String text = input.toString(StandardCharsets.UTF_8);
    if (text.equals(ConfigFileStore.MISSING)) {
      return Future.succeededFuture(new JsonObject().put(MISSING_KEY, true));
    }
    if (text.startsWith(ConfigFileStore.UNREADABLE)) {
      return Future.succeededFuture(new JsonObject()
          .put(ERROR_KEY, "cannot read: " + text.substring(ConfigFileStore.UNREADABLE.length())));
    }
    Parsed previous = last;
    if (previous != null && previous.name().equals(name) && previous.text().equals(text)) {
      return Future.succeededFuture(previous.json().copy());
    }
    return vertx.executeBlocking(() -> {
      JsonObject json;
      try {
        json = YamlConfig.parse(name, text);
      } catch (IllegalArgumentException e) {
        json = new JsonObject().put(ERROR_KEY, e.getMessage());
      }
      last = new Parsed(name, text, json.copy());
      return json;
    });
  }
}
