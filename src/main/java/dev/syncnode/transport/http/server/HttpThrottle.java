package dev.syncnode.transport.http.server;

import dev.syncnode.config.NodeConfig;
import dev.syncnode.transport.http.ClientGoneException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayDeque;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A counter-bounded FIFO queue per endpoint kind. At most {@code scanMaxConcurrent} scans and
 * {@code downloadMaxConcurrent} downloads run at once; up to {@code queueSize} further requests
 * (all kinds together) wait in arrival order; anything beyond is rejected at once (the caller
 * answers 503 + Retry-After), and so is a request that waited longer than {@code queueTimeout}
 * ({@link Permit#expire}, called by {@link Throttled}).
 *
 * <p>Not thread-safe by design: every method is called on the event loop of the one HTTP endpoint
 * verticle that owns it, so plain counters and deques suffice (no locks). Fields read by gauges from
 * other threads are volatile. Limits are read from the supplier on every admission and release, so a
 * configuration reload takes effect on the next request.
 */
public final class HttpThrottle {
  /** The throttled endpoint kinds; the label is the metric tag. */
  public enum Endpoint {
    SCAN,
    DOWNLOAD;

    public final String label = name().toLowerCase(Locale.ROOT);
  }

  /** Per-kind state: running count, its high-water mark, and the FIFO of waiting permits. */
  private static final class Lane {
    final ArrayDeque<Permit> waiting = new ArrayDeque<>();
    volatile int running;
    volatile int maxRunning;
    volatile int queued;
  }

  private final Supplier<NodeConfig.HttpLimits> limits;
  private final Map<Endpoint, Lane> lanes = new EnumMap<>(Endpoint.class);
  private volatile int waitingTotal;
  private volatile Runnable observer = () -> {};

  public HttpThrottle(Supplier<NodeConfig.HttpLimits> limits) {
    this.limits = limits;
    for (Endpoint e : Endpoint.values()) {
      lanes.put(e, new Lane());
    }
  }

  /**
   * Called on the event loop after every change of the counters (diagnostics and tests: it lets a
   * test wait for "two requests queued" without sleeping). One observer; a new one replaces it.
   */
  public void onChange(Runnable observer) {
    this.observer = observer == null ? () -> {} : observer;
  }

  /** A new permit for one request; nothing is reserved until {@link Permit#acquire()}. */
  public Permit permit(Endpoint endpoint) {
    return new Permit(endpoint);
  }

  public int inFlight(Endpoint e) {
    return lanes.get(e).running;
  }

  /** The highest number of requests of this kind ever running at once. */
  public int maxInFlight(Endpoint e) {
    return lanes.get(e).maxRunning;
  }

  public int queued(Endpoint e) {
    return lanes.get(e).queued;
  }

  public int queuedTotal() {
    return waitingTotal;
  }

  /** The limits now (read per use: hot). */
  public NodeConfig.HttpLimits limits() {
    return limits.get();
  }

  private int maxConcurrent(Endpoint e) {
    NodeConfig.HttpLimits l = limits.get();
    int n = e == Endpoint.SCAN ? l.scanMaxConcurrent() : l.downloadMaxConcurrent();
    return Math.max(1, n);
  }

  private int queueSize() {
    return Math.max(0, limits.get().queueSize());
  }

  /** Starts waiting permits of the lane while it has free slots (limits may have grown). */
  private void dispatch(Endpoint e) {
    Lane lane = lanes.get(e);
    while (lane.running < maxConcurrent(e) && !lane.waiting.isEmpty()) {
      Permit next = lane.waiting.poll();
      lane.queued = lane.waiting.size();
      waitingTotal--;
      next.start();
    }
  }

  private void startRunning(Lane lane) {
    lane.running++;
    if (lane.running > lane.maxRunning) {
      lane.maxRunning = lane.running;
    }
  }

  /**
   * One request's claim on a slot. States: NEW -> RUNNING | QUEUED | REJECTED; QUEUED -> RUNNING;
   * RUNNING | QUEUED | NEW -> DONE on {@link #release()}. A slot is freed exactly once, however
   * often release is called (response end and connection close may both report).
   */
  public final class Permit {
    private enum State { NEW, QUEUED, RUNNING, REJECTED, DONE }

    private final Endpoint endpoint;
    private final Promise<Void> granted = Promise.promise();
    private State state = State.NEW;

    private Permit(Endpoint endpoint) {
      this.endpoint = endpoint;
    }

    public Endpoint endpoint() {
      return endpoint;
    }

    /**
     * Succeeds when the request may run (at once, or when its turn in the queue comes); fails with
     * {@link ThrottledException} when the queue is full, or with {@link ClientGoneException} when the
     * permit is released while it waits.
     */
    public Future<Void> acquire() {
      if (state != State.NEW) {
        return granted.future();
      }
      Lane lane = lanes.get(endpoint);
      dispatch(endpoint);
      if (lane.waiting.isEmpty() && lane.running < maxConcurrent(endpoint)) {
        start();
      } else if (waitingTotal < queueSize()) {
        state = State.QUEUED;
        lane.waiting.add(this);
        lane.queued = lane.waiting.size();
        waitingTotal++;
      } else {
        state = State.REJECTED;
        granted.fail(new ThrottledException(endpoint, "too many " + endpoint.label + " requests: "
            + lane.running + " running, " + waitingTotal + " waiting; retry later"));
      }
      observer.run();
      return granted.future();
    }

    private void start() {
      state = State.RUNNING;
      startRunning(lanes.get(endpoint));
      granted.complete();
    }

    /**
     * Gives up waiting in the queue: the permit fails with {@link ThrottledException} (answered 503 +
     * Retry-After) instead of waiting until the client's connection times out. Does nothing unless
     * queued.
     */
    public void expire() {
      if (state != State.QUEUED) {
        return;
      }
      state = State.REJECTED;
      Lane lane = lanes.get(endpoint);
      lane.waiting.remove(this);
      lane.queued = lane.waiting.size();
      waitingTotal--;
      granted.tryFail(new ThrottledException(endpoint, "waited too long for a " + endpoint.label
          + " slot (" + lane.running + " running, " + waitingTotal + " waiting); retry later"));
      observer.run();
    }

    /** Frees the slot or leaves the queue; idempotent. */
    public void release() {
      State was = state;
      state = was == State.REJECTED ? State.REJECTED : State.DONE;
      Lane lane = lanes.get(endpoint);
      switch (was) {
        case RUNNING -> {
          lane.running--;
          dispatch(endpoint);
        }
        case QUEUED -> {
          lane.waiting.remove(this);
          lane.queued = lane.waiting.size();
          waitingTotal--;
          granted.tryFail(new ClientGoneException());
        }
        case NEW -> granted.tryFail(new ClientGoneException());
        default -> {
          return;
        }
      }
      observer.run();
    }
  }
}
