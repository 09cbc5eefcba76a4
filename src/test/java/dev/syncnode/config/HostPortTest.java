package dev.syncnode.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HostPortTest {
  @Test
  void hostAndPort() {
    assertEquals(new HostPort("127.0.0.1", 9666), HostPort.parse("127.0.0.1:9666"));
    assertEquals(new HostPort("master.example", 1), HostPort.parse("master.example:1"));
    assertEquals(new HostPort("master", 65535), HostPort.parse("master:65535"));
  }

  @Test
  void anIpv6HostInBrackets() {
    assertEquals(new HostPort("::1", 9666), HostPort.parse("[::1]:9666"));
    assertEquals(new HostPort("fe80::1", 80), HostPort.parse("[fe80::1]:80"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "localhost", ":9666", "host:", "host:0", "host:65536", "host:-1", "host:port",
      "host:99999999999", "http://host:80/x"})
  void anythingElseIsRefused(String bad) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HostPort.parse(bad));
    assertEquals("expected HOST:PORT with a port between 1 and 65535, got \"" + bad + "\"", e.getMessage());
  }

  @Test
  void nullIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> HostPort.parse(null));
  }
}
