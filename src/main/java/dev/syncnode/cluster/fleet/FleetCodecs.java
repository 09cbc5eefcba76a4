package dev.syncnode.cluster.fleet;

import dev.syncnode.cluster.JsonMessageCodec;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageCodec;
import java.util.List;

/** The JSON codecs of the fleet messages that cross nodes, registered once per Vert.x instance. */
final class FleetCodecs {
  private static final List<JsonMessageCodec<?>> WIRE = List.of(
      new JsonMessageCodec<>(FleetReport.class, FleetReport::toJson, FleetReport::fromJson),
      new JsonMessageCodec<>(DigestAnnouncement.class, DigestAnnouncement::toJson, DigestAnnouncement::fromJson));

  private FleetCodecs() {}

  /** Idempotent. */
  static synchronized void register(Vertx vertx) {
    for (JsonMessageCodec<?> codec : WIRE) {
      register(vertx, codec);
    }
  }

  private static <T> void register(Vertx vertx, JsonMessageCodec<T> codec) {
    try {
      vertx.eventBus().registerDefaultCodec(codec.type(), (MessageCodec<T, ?>) codec);
    } catch (IllegalStateException alreadyRegistered) {
      // registered by another verticle of this Vert.x instance
    }
  }
}
