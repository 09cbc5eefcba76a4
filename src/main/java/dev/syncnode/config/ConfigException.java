package dev.syncnode.config;

/**
 * An invalid configuration. {@link #key()} names what is wrong: a dotted config key such as
 * {@code sync.http.queueSize}, or the config file path when the file itself cannot be read or parsed.
 */
public class ConfigException extends RuntimeException {
  private final String key;
  private final String detail;

  public ConfigException(String key, String detail) {
    this(key, detail, null);
  }

  public ConfigException(String key, String detail, Throwable cause) {
    super(key + ": " + detail, cause);
    this.key = key;
    this.detail = detail;
  }

  /** The offending dotted key (or the file path for unreadable / unparsable files). */
  public String key() {
    return key;
  }

  /** The message without the key. */
  public String detail() {
    return detail;
  }
}
