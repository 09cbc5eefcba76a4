package dev.syncnode.cluster;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.json.JsonObject;
import java.util.function.Function;

/**
 * Carries a message record between nodes as JSON: on the wire a 4-byte length and the UTF-8 JSON
 * text. Both ends register it under the same name ({@code syncnode.json.<SimpleName>}). Local
 * delivery passes a copy made through the same JSON mapping, so sender and receiver share nothing.
 */
public record JsonMessageCodec<T>(Class<T> type, Function<T, JsonObject> toJson, Function<JsonObject, T> fromJson)
    implements MessageCodec<T, T> {
  @Override
  public void encodeToWire(Buffer buffer, T value) {
    Buffer json = toJson.apply(value).toBuffer();
    buffer.appendInt(json.length());
    buffer.appendBuffer(json);
  }

  @Override
  public T decodeFromWire(int pos, Buffer buffer) {
    int length = buffer.getInt(pos);
    return fromJson.apply(new JsonObject(buffer.getBuffer(pos + 4, pos + 4 + length)));
  }

  @Override
  public T transform(T value) {
    return fromJson.apply(toJson.apply(value).copy());
  }

  @Override
  public String name() {
    return "syncnode.json." + type.getSimpleName();
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
