package dev.syncnode.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MultiMapConfig;
import com.hazelcast.config.XmlConfigBuilder;
import dev.syncnode.config.NodeConfig;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The programmatic Hazelcast config, and the shipped cluster.xml that the launcher reads, agree. */
class ClusterConfigTest {
  static Config shippedXml() throws Exception {
    try (InputStream in = ClusterSupport.class.getClassLoader().getResourceAsStream("cluster.xml")) {
      assertNotNull(in, "cluster.xml on the classpath");
      return new XmlConfigBuilder(in).build();
    }
  }

  @Test
  void programmaticConfigFollowsClusterSettings() {
    Config c = ClusterSupport.hazelcastConfig(new NodeConfig.Cluster("prod", List.of("127.0.0.1:6000"), 6001));
    assertEquals("prod", c.getClusterName());
    assertEquals(6001, c.getNetworkConfig().getPort());
    assertTrue(c.getNetworkConfig().isPortAutoIncrement());
    JoinConfig join = c.getNetworkConfig().getJoin();
    assertFalse(join.getMulticastConfig().isEnabled());
    assertFalse(join.getAutoDetectionConfig().isEnabled());
    assertTrue(join.getTcpIpConfig().isEnabled());
    assertEquals(List.of("127.0.0.1:6000"), join.getTcpIpConfig().getMembers());
    assertEquals("false", c.getProperty("hazelcast.phone.home.enabled"));
    assertEquals("0", c.getProperty("hazelcast.wait.seconds.before.join"));
    assertTrue(c.getNetworkConfig().getInterfaces().isEnabled());
    assertEquals(List.of("127.0.0.1"), List.copyOf(c.getNetworkConfig().getInterfaces().getInterfaces()));
  }

  @Test
  void nonLoopbackMembersLeaveInterfaceChoiceToHazelcast() {
    Config c = ClusterSupport.hazelcastConfig(
        new NodeConfig.Cluster("prod", List.of("10.0.0.5", "10.0.0.6:5701"), 5701));
    assertFalse(c.getNetworkConfig().getInterfaces().isEnabled());
    assertEquals(List.of("10.0.0.5", "10.0.0.6:5701"), c.getNetworkConfig().getJoin().getTcpIpConfig().getMembers());
    assertTrue(ClusterSupport.allLoopback(List.of("localhost", "127.0.0.1:5701")));
    assertFalse(ClusterSupport.allLoopback(List.of("127.0.0.1", "node-2")));
  }

  @Test
  void shippedClusterXmlMatchesTheDefaults() throws Exception {
    Config xml = shippedXml();
    Config code = ClusterSupport.hazelcastConfig(NodeConfig.defaults().cluster());
    assertEquals(code.getClusterName(), xml.getClusterName());
    assertEquals(code.getNetworkConfig().getPort(), xml.getNetworkConfig().getPort());
    assertEquals(code.getNetworkConfig().isPortAutoIncrement(), xml.getNetworkConfig().isPortAutoIncrement());
    assertEquals(code.getNetworkConfig().getPortCount(), xml.getNetworkConfig().getPortCount());
    JoinConfig cj = code.getNetworkConfig().getJoin();
    JoinConfig xj = xml.getNetworkConfig().getJoin();
    assertEquals(cj.getMulticastConfig().isEnabled(), xj.getMulticastConfig().isEnabled());
    assertEquals(cj.getAutoDetectionConfig().isEnabled(), xj.getAutoDetectionConfig().isEnabled());
    assertEquals(cj.getTcpIpConfig().isEnabled(), xj.getTcpIpConfig().isEnabled());
    assertEquals(cj.getTcpIpConfig().getMembers(), xj.getTcpIpConfig().getMembers());
    assertEquals(code.getNetworkConfig().getInterfaces().isEnabled(), xml.getNetworkConfig().getInterfaces().isEnabled());
    assertEquals(List.copyOf(code.getNetworkConfig().getInterfaces().getInterfaces()),
        List.copyOf(xml.getNetworkConfig().getInterfaces().getInterfaces()));
    assertEquals(code.getProperties(), xml.getProperties());
    for (String map : List.of("__vertx.haInfo", "__vertx.nodeInfo", NodeRegistry.MAP)) {
      assertEquals(1, xml.getMapConfig(map).getBackupCount(), map);
    }
    assertEquals(MultiMapConfig.ValueCollectionType.SET, xml.getMultiMapConfig("__vertx.subs").getValueCollectionType());
    assertEquals(MultiMapConfig.ValueCollectionType.SET, code.getMultiMapConfig("__vertx.subs").getValueCollectionType());
  }
}
