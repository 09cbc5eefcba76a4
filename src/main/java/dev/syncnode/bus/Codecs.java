package dev.syncnode.bus;

import io.vertx.core.Vertx;
import java.util.List;

/** Registers the local codecs of every message record once per Vert.x instance. */
public final class Codecs {
  private Codecs() {}

  /** Idempotent: classes that already have a codec are skipped. */
  public static synchronized void register(Vertx vertx, List<Class<?>> types) {
    for (Class<?> type : types) {
      register(vertx, type);
    }
  }

  private static <T> void register(Vertx vertx, Class<T> type) {
    try {
      vertx.eventBus().registerDefaultCodec(type, new LocalCodec<>(type));
    } catch (IllegalStateException alreadyRegistered) {
      // another verticle of this Vert.x instance registered it first
    }
  }
}
