package dev.syncnode.it;

import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test-only event-bus instruments that make concurrency deterministic without sleeping: a gate that
 * holds every message sent to one address until it is opened, and counters that run an action once
 * a given number of messages went to an address. Real messages, real verticles: nothing is mocked.
 */
public final class BusGate {
  private final List<Runnable> held = new ArrayList<>();
  private boolean open;

  private BusGate() {}

  /** Holds messages sent to {@code address} on {@code vertx}'s bus until {@link #open()}. */
  public static BusGate hold(Vertx vertx, String address) {
    BusGate gate = new BusGate();
    Handler<DeliveryContext<Object>> interceptor = ctx -> {
      if (!address.equals(ctx.message().address())) {
        ctx.next();
        return;
      }
      Context senderContext = Vertx.currentContext();
      synchronized (gate) {
        if (!gate.open) {
          gate.held.add(() -> {
            if (senderContext != null) {
              senderContext.runOnContext(v -> ctx.next());
            } else {
              ctx.next();
            }
          });
          return;
        }
      }
      ctx.next();
    };
    vertx.eventBus().addOutboundInterceptor(interceptor);
    return gate;
  }

  /** Lets held messages (in their order) and all later ones through. Idempotent. */
  public void open() {
    List<Runnable> release;
    synchronized (this) {
      if (open) {
        return;
      }
      open = true;
      release = new ArrayList<>(held);
      held.clear();
    }
    release.forEach(Runnable::run);
  }

  public synchronized int heldCount() {
    return held.size();
  }

  /**
   * Runs {@code action} right after the {@code n}-th message sent to {@code address} has been handed
   * to the bus (so it is queued on its consumer's context before anything {@code action} causes).
   * Returns the live count of messages seen.
   */
  public static AtomicInteger afterSent(Vertx vertx, String address, int n, Runnable action) {
    AtomicInteger count = new AtomicInteger();
    vertx.eventBus().addOutboundInterceptor(ctx -> {
      ctx.next();
      if (address.equals(ctx.message().address()) && count.incrementAndGet() == n) {
        action.run();
      }
    });
    return count;
  }

  /**
   * Runs {@code action} right after the {@code n}-th message to {@code address} has been delivered to
   * its consumer, on the consumer's context.
   */
  public static AtomicInteger afterDelivered(Vertx vertx, String address, int n, Runnable action) {
    AtomicInteger count = new AtomicInteger();
    vertx.eventBus().addInboundInterceptor(ctx -> {
      ctx.next();
      if (address.equals(ctx.message().address()) && count.incrementAndGet() == n) {
        action.run();
      }
    });
    return count;
  }
}
