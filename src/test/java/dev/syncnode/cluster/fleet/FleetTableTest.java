package dev.syncnode.cluster.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.syncnode.cluster.fleet.FleetReport.Phase;
import dev.syncnode.cluster.fleet.FleetReport.Row;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FleetTableTest {
  static final String A = "a".repeat(64);
  static final String B = "b".repeat(64);

  static Row row(String spider, String digest, Phase phase, long at) {
    return new Row(spider, digest, phase, at, 5, "grpc", null);
  }

  static Map<String, String> states(FleetTable t, String spider) {
    JsonArray rows = t.nodesJson(spider);
    java.util.Map<String, String> out = new java.util.HashMap<>();
    rows.forEach(o -> out.put(((JsonObject) o).getString("nodeKey"), ((JsonObject) o).getString("state")));
    return out;
  }

  @Test
  void statesAgainstTheMastersDigest() {
    FleetTable t = new FleetTable();
    t.apply("w1", row("s", A, Phase.SUCCEEDED, 1));
    t.apply("w2", row("s", B, Phase.HELD, 1));
    t.apply("w3", row("s", null, Phase.FAILED, 1));
    assertEquals(Map.of("w1", "stale", "w2", "stale", "w3", "failed"), states(t, "s"), "master digest unknown");
    t.master("s", A, 3, 30, 100);
    assertEquals(Map.of("w1", "in_sync", "w2", "stale", "w3", "failed"), states(t, "s"));
    assertEquals(1, t.inSync("s"));
    t.apply("w2", row("s", null, Phase.SYNCING, 2));
    JsonObject w2 = t.nodesJson("s").stream().map(JsonObject.class::cast)
        .filter(o -> o.getString("nodeKey").equals("w2")).findFirst().orElseThrow();
    assertEquals("syncing", w2.getString("state"));
    assertEquals(B, w2.getString("digest"), "a started sync keeps what the node held");
  }

  @Test
  void boundedInNodesAndSpidersOldestGoFirst() {
    FleetTable t = new FleetTable(3, 2);
    for (int n = 0; n < 10; n++) {
      t.apply("w" + n, row("s1", A, Phase.SUCCEEDED, n));
    }
    assertEquals(Set.of("w7", "w8", "w9"), t.nodeKeys());
    t.master("s2", A, 1, 1, 1);
    t.master("s3", A, 1, 1, 1);
    t.apply("w9", row("s2", A, Phase.SUCCEEDED, 1));
    t.apply("w9", row("s3", A, Phase.SUCCEEDED, 1));
    assertEquals(Set.of("s2", "s3"), t.spidersWithRows(), "s1 was updated longest ago");
    assertEquals(Map.of("s2", 1, "s3", 1), t.sizes());
    assertEquals(Set.of("w9"), t.nodeKeys(), "nodes whose only spider went are gone too");
    for (int i = 0; i < FleetTable.RECENT * 3; i++) {
      t.apply("w9", row("s3", A, Phase.SUCCEEDED, i));
    }
    JsonArray recent = t.recentJson();
    assertEquals(FleetTable.RECENT, recent.size());
    assertEquals(FleetTable.RECENT * 3 - 1, recent.getJsonObject(0).getLong("at"), "newest first");
  }

  @Test
  void spidersTheMasterHasNotConfirmedNeverPushOutOthersAndGoWhenItLacksThem() {
    FleetTable t = new FleetTable(8, 2);
    t.apply("w1", row("s1", A, Phase.SUCCEEDED, 1));
    t.apply("w2", row("s2", A, Phase.SUCCEEDED, 1));
    for (int i = 0; i < 100; i++) {
      t.apply("w3", row("made-up-" + i, A, Phase.SUCCEEDED, 1));
    }
    assertEquals(Set.of("s1", "s2"), t.spidersWithRows(), "a full table takes no unconfirmed spider");
    t.master("s3", B, 1, 1, 1);
    t.apply("w3", row("s3", B, Phase.SUCCEEDED, 1));
    assertEquals(Set.of("s2", "s3"), t.spidersWithRows(), "a confirmed one takes the oldest's place");
    t.forgetSpider("s3");
    assertEquals(Set.of("s2"), t.spidersWithRows());
    assertNull(t.master("s3"));
    assertEquals(Set.of("w2"), t.nodeKeys());
  }

  @Test
  void snapshotsReplaceANodesRowsAndLeaversAreDropped() {
    FleetTable t = new FleetTable();
    t.apply("w1", row("s1", A, Phase.SUCCEEDED, 1));
    t.apply("w1", row("s2", A, Phase.SUCCEEDED, 1));
    t.apply("w2", row("s1", A, Phase.SUCCEEDED, 1));
    t.replace("w1", List.of(row("s3", B, Phase.HELD, 1)));
    assertEquals(Set.of("s1", "s3"), t.spidersWithRows());
    assertEquals(1, t.retainNodes(Set.of("w2")));
    assertEquals(Set.of("s1"), t.spidersWithRows());
    assertEquals(Set.of("w2"), t.nodeKeys());
  }

  @Test
  void validationRefusesWhatCannotBeTakenAndCutsStrings() {
    assertNull(FleetTable.validate(row("../x", A, Phase.HELD, 1)));
    assertNull(FleetTable.validate(row("", A, Phase.HELD, 1)));
    assertNull(FleetTable.validate(row("s", "not-a-digest", Phase.HELD, 1)));
    assertNull(FleetTable.validate(row("s", A.toUpperCase(), Phase.HELD, 1)));
    assertNull(FleetTable.validate(new Row("s", A, null, 1, 0, null, null)));
    Row cut = FleetTable.validate(new Row("s", null, Phase.FAILED, -5, -1, "x".repeat(100), "e".repeat(10_000)));
    assertEquals(FleetTable.MAX_TRANSPORT_CHARS, cut.transport().length());
    assertEquals(FleetTable.MAX_ERROR_CHARS, cut.error().length());
    assertEquals(0, cut.at());
  }

  @Test
  void masterDigestChangesKeepTheirTime() {
    FleetTable t = new FleetTable();
    assertEquals(true, t.master("s", A, 1, 1, 10));
    assertEquals(false, t.master("s", A, 1, 1, 20));
    assertEquals(10, t.master("s").lastChange());
    assertEquals(true, t.master("s", B, 2, 2, 30));
    assertEquals(30, t.master("s").lastChange());
  }
}
