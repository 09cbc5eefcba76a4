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
 * format in two ways:
 * <ul>
 *   <li>a file holding only comments is {@code {}} (the stock format hands the retriever a null and the
 *       scan fails);
 *   <li>a parse error does not fail the scan: it becomes {@code {"<ERROR_KEY>": "<message>"}}. The
 *       retriever then sees a change (and sees the fix as one later), and does not log the same stack
 *       trace on every scan; {@link ConfigService} turns it into a rejection.
 * </ul>
 * Registered in {@code META-INF/services/io.vertx.config.spi.ConfigProcessor}.
 */
public class YamlFileProcessor implements ConfigProcessor {
  public static final String FORMAT = "syncnode-yaml";
  /** Key of the one-key object standing for a file that does not parse. */
  public static final String ERROR_KEY = "syncnode.config.parseError";

  @Override
  public String name() {
    return FORMAT;
  }

  @Override
  public Future<JsonObject> process(Vertx vertx, JsonObject configuration, Buffer input) {
    String name = configuration == null ? "" : configuration.getString("path", "");
    String text = input.toString(StandardCharsets.UTF_8);
    return vertx.executeBlocking(() -> {
      try {
        return YamlConfig.parse(name, text);
      } catch (IllegalArgumentException e) {
        return new JsonObject().put(ERROR_KEY, e.getMessage());
      }
    });
  }
}
