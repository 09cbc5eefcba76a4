package dev.syncnode.config;

import dev.syncnode.config.NodeConfig.Role;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The value parsers a {@link ConfigKeys.Key} names: each turns a YAML value or an environment string
 * into the typed value, or throws IllegalArgumentException with a message; the loader adds the key.
 */
final class ValueParsers {
  private ValueParsers() {}

  static String describe(Object v) {
    if (v instanceof String s) {
      return "\"" + s + "\"";
    }
    if (v instanceof Map || v instanceof JsonObject) {
      return "a mapping";
    }
    if (v instanceof List || v instanceof JsonArray) {
      return "a list";
    }
    return String.valueOf(v);
  }

  static String string(Object v) {
    if (v instanceof String s) {
      return s;
    }
    if (v instanceof Number || v instanceof Boolean) {
      return v.toString();
    }
    throw new IllegalArgumentException("expected a string, got " + describe(v));
  }

  static String nonBlank(Object v) {
    String s = string(v).trim();
    if (s.isEmpty()) {
      throw new IllegalArgumentException("must not be empty");
    }
    return s;
  }

  static long integer(Object v) {
    if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
      return ((Number) v).longValue();
    }
    if (v instanceof String s) {
      try {
        return Long.parseLong(s.trim());
      } catch (NumberFormatException e) {
        // fall through
      }
    }
    throw new IllegalArgumentException("expected a whole number, got " + describe(v));
  }

  static int positive(Object v) {
    long n = integer(v);
    if (n < 1 || n > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("must be a positive number, got " + n);
    }
    return (int) n;
  }

  static long nonNegative(Object v) {
    long n = integer(v);
    if (n < 0) {
      throw new IllegalArgumentException("must not be negative, got " + n);
    }
    return n;
  }

  static long positiveLong(Object v) {
    long n = integer(v);
    if (n < 1) {
      throw new IllegalArgumentException("must be a positive number, got " + n);
    }
    return n;
  }

  static int port(Object v) {
    long n = integer(v);
    if (n < 0 || n > 65535) {
      throw new IllegalArgumentException("port must be between 0 and 65535 (0: any free port), got " + n);
    }
    return (int) n;
  }

  static boolean bool(Object v) {
    if (v instanceof Boolean b) {
      return b;
    }
    if (v instanceof String s) {
      String t = s.trim().toLowerCase(Locale.ROOT);
      if (t.equals("true")) {
        return true;
      }
      if (t.equals("false")) {
        return false;
      }
    }
    throw new IllegalArgumentException("expected true or false, got " + describe(v));
  }

  static Duration duration(Object v) {
    if (v instanceof Integer || v instanceof Long) {
      long ms = ((Number) v).longValue();
      if (ms < 0) {
        throw new IllegalArgumentException("must not be negative, got " + ms);
      }
      return Duration.ofMillis(ms);
    }
    if (v instanceof String s) {
      return Durations.parse(s);
    }
    throw new IllegalArgumentException("expected a duration such as 250ms, 60s or 5m, got " + describe(v));
  }

  static Duration positiveDuration(Object v) {
    Duration d = duration(v);
    if (d.isZero()) {
      throw new IllegalArgumentException("must be longer than 0");
    }
    return d;
  }

  static List<String> stringList(Object v) {
    List<?> items;
    if (v instanceof String s) {
      items = List.of(s.split(","));
    } else if (v instanceof JsonArray a) {
      items = a.getList();
    } else if (v instanceof List<?> l) {
      items = l;
    } else {
      throw new IllegalArgumentException("expected a list, got " + describe(v));
    }
    List<String> out = new ArrayList<>();
    for (Object item : items) {
      if (item == null) {
        continue;
      }
      String s = string(item).trim();
      if (!s.isEmpty()) {
        out.add(s);
      }
    }
    return List.copyOf(out);
  }

  static Role role(Object v) {
    String s = string(v).trim().toLowerCase(Locale.ROOT);
    return switch (s) {
      case "master" -> Role.MASTER;
      case "worker" -> Role.WORKER;
      default -> throw new IllegalArgumentException("unknown role " + describe(v) + " (expected master or worker)");
    };
  }

  static String hostPort(Object v) {
    String s = nonBlank(v);
    HostPort.parse(s);
    return s;
  }

  static String httpUrl(Object v) {
    String s = nonBlank(v);
    try {
      URI u = new URI(s);
      String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
      if ((scheme.equals("http") || scheme.equals("https")) && u.getHost() != null) {
        return s;
      }
    } catch (java.net.URISyntaxException e) {
      // reported below
    }
    throw new IllegalArgumentException("expected an http:// or https:// URL, got " + describe(v));
  }
}
