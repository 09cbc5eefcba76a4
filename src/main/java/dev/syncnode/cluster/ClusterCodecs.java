package dev.syncnode.cluster;

import dev.syncnode.bus.Codecs;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageCodec;
import java.util.List;

/**
 * Codecs of cluster mode, registered once per Vert.x instance: JSON codecs for the messages that cross
 * nodes, local codecs for the master's own task messages.
 */
final class ClusterCodecs {
  static final List<JsonMessageCodec<?>> WIRE = List.of(
      new JsonMessageCodec<>(TaskRequest.class, TaskRequest::toJson, TaskRequest::fromJson),
      new JsonMessageCodec<>(TaskReply.class, TaskReply::toJson, TaskReply::fromJson));

  private ClusterCodecs() {}

  /** Idempotent. */
  static synchronized void register(Vertx vertx) {
    for (JsonMessageCodec<?> codec : WIRE) {
      registerDefault(vertx, codec);
    }
    Codecs.register(vertx, List.of(TaskSubmit.class, Task.class, TaskQuery.class, TaskPage.class));
  }

  private static <T> void registerDefault(Vertx vertx, JsonMessageCodec<T> codec) {
    try {
      vertx.eventBus().registerDefaultCodec(codec.type(), (MessageCodec<T, ?>) codec);
    } catch (IllegalStateException alreadyRegistered) {
      // registered by another verticle of this Vert.x instance
    }
  }
}
