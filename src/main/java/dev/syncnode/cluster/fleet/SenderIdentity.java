package dev.syncnode.cluster.fleet;

import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.impl.clustered.ClusteredMessage;
import java.lang.reflect.Method;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Vert.x node id of the node that sent a clustered message: the clustered event bus writes it
 * into every message it sends, beside the body, so a report's sender is known without believing
 * what the body says. Vert.x keeps the accessor package-private ({@code ClusteredMessage.getSender}),
 * hence the reflection; when it is not there, every remote message is from an unknown sender (and
 * reports are dropped rather than filed under a key they claim).
 */
final class SenderIdentity {
  private static final Logger LOG = LoggerFactory.getLogger(SenderIdentity.class);
  private static final Method GET_SENDER = find();

  private SenderIdentity() {}

  private static Method find() {
    try {
      Method m = ClusteredMessage.class.getDeclaredMethod("getSender");
      m.setAccessible(true);
      return m;
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.warn("cannot read the sender of clustered messages ({}): fleet reports will be ignored", e.toString());
      return null;
    }
  }

  /**
   * The sender's node id; {@code localNodeId} for a message that did not cross the wire; null when
   * unknown.
   */
  static String of(Message<?> msg, String localNodeId) {
    if (!(msg instanceof ClusteredMessage<?, ?> cm)) {
      return null;
    }
    if (!cm.isFromWire()) {
      return localNodeId;
    }
    try {
      return GET_SENDER == null ? null : (String) GET_SENDER.invoke(cm);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }
}
