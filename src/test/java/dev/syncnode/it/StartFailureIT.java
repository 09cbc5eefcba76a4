package dev.syncnode.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node whose HTTP port is taken (a real child JVM): one line naming the setting and the port, exit
 * 1, no stack trace, and the gRPC port it had already bound is free again.
 */
class StartFailureIT {
  @TempDir Path tmp;

  @Test
  void aBusyHttpPortIsOneLineAndExitOneWithNothingLeftListening() throws Exception {
    Files.createDirectories(tmp.resolve("ws"));
    int grpcPort;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      grpcPort = probe.getLocalPort();
    }
    try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int httpPort = busy.getLocalPort();
      ChildJvm.Result r = ChildJvm.run(tmp, Map.of("SYNCNODE_NODE_WORKSPACE", tmp.resolve("ws").toString(),
          "SYNCNODE_HTTP_HOST", "127.0.0.1", "SYNCNODE_HTTP_PORT", String.valueOf(httpPort),
          "SYNCNODE_GRPC_HOST", "127.0.0.1", "SYNCNODE_GRPC_PORT", String.valueOf(grpcPort)), 60);
      assertEquals(1, r.code(), r.all());
      assertTrue(r.err().contains("syncnode: http.port " + httpPort + " is already in use"), r.all());
      assertFalse(r.err().contains("\tat ") || r.err().contains("BindException"), "no stack trace\n" + r.all());
    }
    try (ServerSocket again = new ServerSocket()) {
      again.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), grpcPort));
    }
  }
}
