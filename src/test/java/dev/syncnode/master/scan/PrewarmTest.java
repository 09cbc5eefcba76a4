package dev.syncnode.master.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.syncnode.bus.Addresses;
import dev.syncnode.it.Cluster;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What {@link Prewarm} asks the scan cache for, and when: one spider at a time, a changed spider once
 * after its changes settle however often it changed, nothing when {@code sync.prescan} is off. The
 * scan cache is stood in for by a consumer that records the requests and answers when told; the
 * marker sent last arrives after every request sent before it (one sender, one address).
 */
class PrewarmTest {
  static final String MARKER = "marker";
  Vertx vertx;
  final List<String> asked = new CopyOnWriteArrayList<>();
  final List<Message<String>> unanswered = new CopyOnWriteArrayList<>();
  volatile Promise<Void> marker;
  volatile Promise<String> nextAsk;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    vertx.eventBus().<String>localConsumer(Addresses.CACHE_PREWARM, m -> {
      if (MARKER.equals(m.body())) {
        marker.complete();
        return;
      }
      asked.add(m.body());
      unanswered.add(m);
      if (nextAsk != null) {
        nextAsk.tryComplete(m.body());
      }
    });
  }

  @AfterEach
  void tearDown() throws Exception {
    Cluster.await(vertx.close());
  }

  /** Runs on the event loop, then waits until everything sent before reached the consumer. */
  void onLoop(Runnable r) throws Exception {
    marker = Promise.promise();
    Promise<Void> ran = Promise.promise();
    vertx.runOnContext(v -> {
      r.run();
      vertx.eventBus().send(Addresses.CACHE_PREWARM, MARKER);
      ran.complete();
    });
    Cluster.await(ran.future());
    Cluster.await(marker.future());
  }

  Prewarm prewarm(AtomicBoolean enabled, long settleMs) {
    return new Prewarm(vertx, () -> 60_000, enabled::get, settleMs);
  }

  @Test
  void scansTheSpidersOneAtATime() throws Exception {
    Prewarm p = prewarm(new AtomicBoolean(true), 10);
    onLoop(() -> p.all(List.of("a", "b")));
    assertEquals(List.of("a"), asked, "b waits until a's scan is done");
    nextAsk = Promise.promise();
    unanswered.remove(0).reply(null);
    assertEquals("b", Cluster.await(nextAsk.future()));
    assertEquals(List.of("a", "b"), asked);
  }

  @Test
  void aChangedSpiderWaitsForItsChangesToSettle() throws Exception {
    Prewarm p = prewarm(new AtomicBoolean(true), 600_000);
    onLoop(() -> p.changed("s"));
    assertEquals(List.of(), asked, "nothing before the quiet time is over");
  }

  @Test
  void aSpiderThatChangedThreeTimesIsScannedOnce() throws Exception {
    Prewarm p = prewarm(new AtomicBoolean(true), 50);
    nextAsk = Promise.promise();
    onLoop(() -> {
      p.changed("s");
      p.changed("s");
      p.changed("s");
    });
    assertEquals("s", Cluster.await(nextAsk.future()));
    unanswered.remove(0).reply(null);
    onLoop(() -> { });
    assertEquals(List.of("s"), asked, "one scan for three changes");
  }

  /**
   * {@code sync.timeout.scan} is hot: raised after the watch started, the next spider still waits for
   * the scan cache's answer (which comes once the scan ends), not for the timeout the watch started with.
   */
  @Test
  void aRaisedScanTimeoutKeepsOneScanAtATime() throws Exception {
    AtomicLong scanTimeoutMs = new AtomicLong(1);
    Prewarm p = new Prewarm(vertx, scanTimeoutMs::get, () -> true, 0);
    scanTimeoutMs.set(60_000);
    onLoop(() -> p.all(List.of("a", "b")));
    nextAsk = Promise.promise();
    // a's scan takes longer than the timeout the watch started with (not a synchronisation: b may come
    // only after the answer, however late the answer is)
    vertx.setTimer(50, t -> {
      asked.add("answered a");
      unanswered.remove(0).reply(null);
    });
    assertEquals("b", Cluster.await(nextAsk.future()));
    assertEquals(List.of("a", "answered a", "b"), asked, "b is asked once a's scan is done");
  }

  @Test
  void offMeansNoScanBeforeARequest() throws Exception {
    AtomicBoolean on = new AtomicBoolean(false);
    Prewarm p = prewarm(on, 0);
    onLoop(() -> {
      p.all(List.of("a"));
      p.changed("b");
    });
    assertEquals(List.of(), asked);
    on.set(true);
    onLoop(() -> p.all(List.of("c")));
    assertEquals(List.of("c"), asked, "turned on again (hot): scans resume");
  }
}
