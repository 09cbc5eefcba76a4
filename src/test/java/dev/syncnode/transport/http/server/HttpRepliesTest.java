package dev.syncnode.transport.http.server;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.syncnode.transport.http.ClientGoneException;
import io.vertx.core.VertxException;
import java.io.IOException;
import java.net.SocketException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.FileSystemException;
import org.junit.jupiter.api.Test;

class HttpRepliesTest {
  @Test
  void aResetOrClosedConnectionIsTheClientGoing() {
    assertTrue(HttpReplies.connectionGone(new ClientGoneException()));
    assertTrue(HttpReplies.connectionGone(new ClosedChannelException()));
    assertTrue(HttpReplies.connectionGone(new VertxException("Connection was closed", true)));
    assertTrue(HttpReplies.connectionGone(new IOException("Connection reset by peer")));
    assertTrue(HttpReplies.connectionGone(new SocketException("Connection reset")));
    assertTrue(HttpReplies.connectionGone(new IOException("writev(..) failed: Broken pipe")));
  }

  @Test
  void otherFailuresAreNot() {
    assertFalse(HttpReplies.connectionGone(new IOException("Input/output error")));
    assertFalse(HttpReplies.connectionGone(new FileSystemException("/srv/x", null, "Too many open files")));
    assertFalse(HttpReplies.connectionGone(new IOException()));
    assertFalse(HttpReplies.connectionGone(new IllegalStateException("file changed while it was sent")));
  }
}
