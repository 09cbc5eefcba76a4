package dev.syncnode.cluster;

import dev.syncnode.config.ConfigHolder;
import dev.syncnode.config.NodeConfig;
import dev.syncnode.manifest.PathRules;
import dev.syncnode.manifest.PathViolation;
import dev.syncnode.master.SpiderPaths;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A master's tasks. Lists them ({@link TaskQuery}, {@code GET /api/tasks}). Accepts {@link TaskSubmit}s
 * (from {@code POST /api/tasks}), picks the named worker
 * or a live worker round-robin, sends a {@link TaskRequest} to its task address over the clustered
 * event bus and records the {@link TaskReply} or the failure.
 *
 * <p>A task never stays running forever: the request has a timeout (the worker's sync timeouts plus a
 * margin), and on every Hazelcast membership change (and every {@link #RECONCILE_MS}) running tasks
 * whose worker is no longer a cluster member are re-dispatched once to another live worker, or marked
 * failed when the client named the worker or no other worker is left. Late replies of an earlier
 * attempt are ignored. All state lives on this verticle's event loop.
 */
public final class TaskManagerVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(TaskManagerVerticle.class);
  /** Failure codes of {@link ClusterAddresses#TASKS_SUBMIT} / {@link ClusterAddresses#TASKS_GET}. */
  public static final int FAIL_INVALID = 400;
  public static final int FAIL_NOT_FOUND = 404;
  public static final int FAIL_UNAVAILABLE = 503;
  /** Dispatches per task: the first one and at most one re-dispatch after its worker was lost. */
  public static final int MAX_ATTEMPTS = 2;
  static final long RECONCILE_MS = 1000;
  private static final long EXPIRE_SWEEP_MS = 60_000;
  private static final long REPLY_MARGIN_MS = 30_000;

  private final ConfigHolder config;
  private final TaskTable table;
  private NodeRegistry registry;
  private MembershipWatch watch;
  private long roundRobin;
  private long reconcileTimer = -1;
  private long expireTimer = -1;

  public TaskManagerVerticle(ConfigHolder config, int maxTasks) {
    this(config, maxTasks, TaskTable.DEFAULT_RETAIN_MS);
  }

  public TaskManagerVerticle(ConfigHolder config, int maxTasks, long retainMs) {
    this.config = config;
    this.table = new TaskTable(maxTasks, retainMs);
  }

  /** How long a worker may take for a task: its own sync timeout budget plus a margin. */
  public static long taskTimeoutMs(NodeConfig c) {
    return WorkerTaskVerticle.syncTimeoutMs(c) + REPLY_MARGIN_MS;
  }

  @Override
  public Future<?> start() {
    ClusterCodecs.register(vertx);
    registry = new NodeRegistry(vertx);
    watch = MembershipWatch.start(vertx, context, this::reconcile);
    reconcileTimer = vertx.setPeriodic(RECONCILE_MS, id -> reconcile());
    expireTimer = vertx.setPeriodic(EXPIRE_SWEEP_MS, id -> table.expire(System.currentTimeMillis()));
    return Future.all(
        vertx.eventBus().<TaskSubmit>localConsumer(ClusterAddresses.TASKS_SUBMIT, this::onSubmit).completion(),
        vertx.eventBus().<String>localConsumer(ClusterAddresses.TASKS_GET, this::onGet).completion(),
        vertx.eventBus().<TaskQuery>localConsumer(ClusterAddresses.TASKS_LIST,
            msg -> msg.reply(table.page(msg.body()))).completion());
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(reconcileTimer);
    vertx.cancelTimer(expireTimer);
    watch.close();
    return Future.succeededFuture();
  }

  /** A refused submit, with the failure code the HTTP endpoint turns into a status. */
  private static final class Refused extends RuntimeException {
    final int code;

    Refused(int code, String message) {
      super(message, null, false, false);
      this.code = code;
    }
  }

  private void onSubmit(Message<TaskSubmit> msg) {
    TaskSubmit submit = msg.body();
    try {
      PathRules.requireSpiderId(submit.spiderId());
    } catch (PathViolation e) {
      msg.fail(FAIL_INVALID, "invalid spiderId: " + e.getMessage());
      return;
    }
    spiderExists(submit.spiderId()).compose(v -> chooseWorker(submit.nodeKey(), null)).onComplete(ar -> {
      if (ar.failed()) {
        int code = ar.cause() instanceof Refused r ? r.code : FAIL_UNAVAILABLE;
        msg.fail(code, ar.cause().getMessage());
        return;
      }
      long now = System.currentTimeMillis();
      Task task = Task.pending(UUID.randomUUID().toString(), submit.spiderId(), submit.nodeKey() != null, now);
      if (!table.add(task)) {
        msg.fail(FAIL_UNAVAILABLE, "too many unfinished tasks; retry later");
        return;
      }
      msg.reply(task);
      dispatch(task, ar.result());
    });
  }

  /** An unknown spider is refused at submit (404), not accepted to fail later on a worker. */
  private Future<Void> spiderExists(String spiderId) {
    SpiderPaths paths = new SpiderPaths(Path.of(config.get().node().workspace()));
    return vertx.executeBlocking(() -> paths.spiderRoot(spiderId), false)
        .transform(ar -> ar.succeeded() ? Future.<Void>succeededFuture()
            : Future.failedFuture(new Refused(FAIL_NOT_FOUND, "unknown spider: " + spiderId
                + " (no such directory in the master's workspace)")));
  }

  private void onGet(Message<String> msg) {
    Task task = table.get(msg.body());
    if (task == null) {
      msg.fail(FAIL_NOT_FOUND, "no such task: " + msg.body());
    } else {
      msg.reply(task);
    }
  }

  /** The named live worker, or the next live worker round-robin (other than {@code excludeNodeId}). */
  private Future<NodeInfo> chooseWorker(String nodeKey, String excludeNodeId) {
    return registry.live().compose(nodes -> {
      List<NodeInfo> workers = nodes.stream()
          .filter(NodeInfo::isWorker)
          .filter(n -> !n.nodeId().equals(excludeNodeId))
          .toList();
      if (nodeKey != null) {
        return workers.stream().filter(n -> n.key().equals(nodeKey)).findFirst()
            .map(Future::succeededFuture)
            .orElseGet(() -> Future.failedFuture(new Refused(FAIL_NOT_FOUND, "no live worker with nodeKey " + nodeKey)));
      }
      if (workers.isEmpty()) {
        return Future.failedFuture(new Refused(FAIL_UNAVAILABLE, "no live worker in the cluster"));
      }
      return Future.succeededFuture(workers.get((int) Long.remainderUnsigned(roundRobin++, workers.size())));
    });
  }

  private void dispatch(Task task, NodeInfo worker) {
    Task sent = task.running(worker, System.currentTimeMillis());
    table.update(sent);
    LOG.info("task {}: sync {} on {} (attempt {})", sent.id(), sent.spiderId(), worker.key(), sent.attempt());
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(taskTimeoutMs(config.get()));
    vertx.eventBus()
        .<TaskReply>request(ClusterAddresses.task(worker.key()),
            new TaskRequest(sent.id(), sent.spiderId(), sent.attempt()), options)
        .onComplete(ar -> onResult(sent, ar));
  }

  private void onResult(Task sent, AsyncResult<Message<TaskReply>> ar) {
    Task current = table.get(sent.id());
    if (current == null || current.status() != Task.Status.RUNNING || current.attempt() != sent.attempt()) {
      return; // evicted, or already handled (worker lost, re-dispatched)
    }
    long now = System.currentTimeMillis();
    if (ar.succeeded()) {
      table.update(current.succeeded(ar.result().body().report(), now));
      LOG.info("task {}: succeeded on {}", current.id(), current.nodeKey());
      return;
    }
    Throwable err = ar.cause();
    if (err instanceof ReplyException re) {
      switch (re.failureType()) {
        case NO_HANDLERS, ERROR ->
            workerLost(current, "worker " + current.nodeKey() + " is not reachable (" + re.getMessage() + ")");
        case TIMEOUT -> finish(current.failed("no answer from worker " + current.nodeKey() + " within "
            + taskTimeoutMs(config.get()) / 1000 + " s", now));
        default -> finish(current.failed("sync of " + current.spiderId() + " on " + current.nodeKey() + " failed: "
            + re.getMessage(), now));
      }
      return;
    }
    finish(current.failed("task failed: " + err, now));
  }

  private void finish(Task task) {
    table.update(task);
    LOG.info("task {}: {}: {}", task.id(), task.status().json(), task.error());
  }

  /** Membership changed (or periodic check): running tasks whose worker left are moved or failed. */
  private void reconcile() {
    Set<String> live = ClusterSupport.liveNodeIds(vertx);
    if (live.isEmpty()) {
      return; // this node is leaving: nothing to judge by
    }
    for (Task t : table.unfinished()) {
      if (t.status() == Task.Status.RUNNING && !live.contains(t.nodeId())) {
        workerLost(t, "worker " + t.nodeKey() + " left the cluster while running the task");
      }
    }
  }

  private void workerLost(Task task, String reason) {
    long now = System.currentTimeMillis();
    if (task.pinned() || task.attempt() >= MAX_ATTEMPTS) {
      finish(task.failed(reason, now));
      return;
    }
    Task requeued = task.requeued(now);
    table.update(requeued);
    LOG.warn("task {}: {}; re-dispatching", task.id(), reason);
    chooseWorker(null, task.nodeId()).onComplete(ar -> {
      Task current = table.get(task.id());
      if (current != requeued) {
        return;
      }
      if (ar.failed()) {
        finish(current.failed(reason + "; no other live worker to run it", System.currentTimeMillis()));
      } else {
        dispatch(current, ar.result());
      }
    });
  }
}
