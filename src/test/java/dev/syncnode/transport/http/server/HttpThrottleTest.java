package dev.syncnode.transport.http.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.syncnode.config.NodeConfig;
import dev.syncnode.transport.http.ClientGoneException;
import dev.syncnode.transport.http.server.HttpThrottle.Endpoint;
import dev.syncnode.transport.http.server.HttpThrottle.Permit;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The throttle's bookkeeping, driven step by step from one thread (as the event loop would). */
class HttpThrottleTest {
  private final AtomicReference<NodeConfig.HttpLimits> limits =
      new AtomicReference<>(new NodeConfig.HttpLimits(2, 3, 2));
  private final HttpThrottle throttle = new HttpThrottle(limits::get);

  @Test
  void runsUpToTheLimitQueuesInOrderAndRejectsBeyondTheQueue() {
    List<Permit> permits = new ArrayList<>();
    List<Future<Void>> granted = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      Permit p = throttle.permit(Endpoint.SCAN);
      permits.add(p);
      granted.add(p.acquire());
    }
    assertTrue(granted.get(0).succeeded());
    assertTrue(granted.get(1).succeeded());
    assertFalse(granted.get(2).isComplete());
    assertFalse(granted.get(3).isComplete());
    assertTrue(granted.get(4).failed());
    assertInstanceOf(ThrottledException.class, granted.get(4).cause());
    assertEquals(2, throttle.inFlight(Endpoint.SCAN));
    assertEquals(2, throttle.queued(Endpoint.SCAN));

    permits.get(0).release();
    assertTrue(granted.get(2).succeeded(), "first waiting request runs first");
    assertFalse(granted.get(3).isComplete());
    permits.get(1).release();
    assertTrue(granted.get(3).succeeded());
    assertEquals(2, throttle.inFlight(Endpoint.SCAN));
    assertEquals(0, throttle.queuedTotal());
    assertEquals(2, throttle.maxInFlight(Endpoint.SCAN));
  }

  @Test
  void releaseFreesTheSlotExactlyOnce() {
    Permit a = throttle.permit(Endpoint.SCAN);
    Permit b = throttle.permit(Endpoint.SCAN);
    a.acquire();
    b.acquire();
    a.release();
    a.release();
    a.release();
    assertEquals(1, throttle.inFlight(Endpoint.SCAN));
    Permit c = throttle.permit(Endpoint.SCAN);
    Permit d = throttle.permit(Endpoint.SCAN);
    assertTrue(c.acquire().succeeded());
    assertFalse(d.acquire().isComplete(), "a repeated release must not have freed a second slot");
    assertEquals(2, throttle.inFlight(Endpoint.SCAN));
  }

  @Test
  void aWaitingRequestWhoseClientLeftLeavesTheQueue() {
    Permit a = throttle.permit(Endpoint.SCAN);
    Permit b = throttle.permit(Endpoint.SCAN);
    Permit gone = throttle.permit(Endpoint.SCAN);
    Permit next = throttle.permit(Endpoint.SCAN);
    a.acquire();
    b.acquire();
    Future<Void> goneGrant = gone.acquire();
    Future<Void> nextGrant = next.acquire();
    gone.release();
    assertTrue(goneGrant.failed());
    assertInstanceOf(ClientGoneException.class, goneGrant.cause());
    assertEquals(1, throttle.queuedTotal());
    a.release();
    assertTrue(nextGrant.succeeded(), "the gone request is skipped");
    gone.release();
    assertEquals(2, throttle.inFlight(Endpoint.SCAN));
  }

  @Test
  void queueBoundIsSharedButLanesAreSeparate() {
    for (int i = 0; i < 2; i++) {
      assertTrue(throttle.permit(Endpoint.SCAN).acquire().succeeded());
    }
    for (int i = 0; i < 3; i++) {
      assertTrue(throttle.permit(Endpoint.DOWNLOAD).acquire().succeeded(), "downloads have their own slots");
    }
    assertFalse(throttle.permit(Endpoint.SCAN).acquire().isComplete());
    assertFalse(throttle.permit(Endpoint.DOWNLOAD).acquire().isComplete());
    assertTrue(throttle.permit(Endpoint.DOWNLOAD).acquire().failed(), "queueSize 2 counts both kinds");
    assertEquals(1, throttle.queued(Endpoint.SCAN));
    assertEquals(1, throttle.queued(Endpoint.DOWNLOAD));
  }

  @Test
  void limitsAreReadPerRequest() {
    Permit a = throttle.permit(Endpoint.SCAN);
    Permit b = throttle.permit(Endpoint.SCAN);
    a.acquire();
    b.acquire();
    Future<Void> waiting = throttle.permit(Endpoint.SCAN).acquire();
    assertFalse(waiting.isComplete());
    limits.set(new NodeConfig.HttpLimits(3, 3, 2));
    Future<Void> newcomer = throttle.permit(Endpoint.SCAN).acquire();
    assertTrue(waiting.succeeded(), "a raised limit lets the waiting request run first");
    assertFalse(newcomer.isComplete(), "the newcomer waits behind it");
    assertEquals(3, throttle.inFlight(Endpoint.SCAN));
    limits.set(new NodeConfig.HttpLimits(1, 3, 1));
    assertTrue(throttle.permit(Endpoint.SCAN).acquire().failed(), "a lowered limit and no queue reject at once");
  }

  @Test
  void aPermitReleasedWhileRunningLetsTheNextOneRunSynchronously() {
    limits.set(new NodeConfig.HttpLimits(1, 1, 5));
    Permit first = throttle.permit(Endpoint.DOWNLOAD);
    first.acquire();
    Permit second = throttle.permit(Endpoint.DOWNLOAD);
    Permit third = throttle.permit(Endpoint.DOWNLOAD);
    // the second request finishes as soon as it is granted (a tiny cached answer)
    Future<Void> secondDone = second.acquire().onSuccess(v -> second.release());
    Future<Void> thirdGrant = third.acquire();
    first.release();
    assertTrue(secondDone.succeeded());
    assertTrue(thirdGrant.succeeded());
    assertEquals(1, throttle.inFlight(Endpoint.DOWNLOAD));
    assertEquals(1, throttle.maxInFlight(Endpoint.DOWNLOAD));
  }
}
