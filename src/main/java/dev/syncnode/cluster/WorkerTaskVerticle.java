package dev.syncnode.cluster;

import dev.syncnode.bus.Addresses;
import dev.syncnode.config.ConfigHolder;
import dev.syncnode.config.NodeConfig;
import dev.syncnode.worker.SyncReport;
import dev.syncnode.worker.SyncRequest;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker's task consumer on the clustered event bus ({@link ClusterAddresses#task} of its node key).
 * Each {@link TaskRequest} becomes the worker's normal sync (a local {@link SyncRequest} to
 * {@link Addresses#WORKER_SYNC}, which joins a sync already running for the same destination); the
 * reply is a {@link TaskReply} with the report, or a failure with the sync's code and message.
 */
public final class WorkerTaskVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(WorkerTaskVerticle.class);
  /** Failure code when the local sync verticle does not answer at all. */
  public static final int FAIL_UNAVAILABLE = 503;

  private final ConfigHolder config;
  private String nodeKey;

  public WorkerTaskVerticle(ConfigHolder config) {
    this.config = config;
  }

  /** The sync budget: scan timeout plus ten download timeouts (as for {@code POST /api/sync}). */
  public static long syncTimeoutMs(NodeConfig c) {
    return c.sync().timeout().scan().toMillis() + c.sync().timeout().download().toMillis() * 10;
  }

  @Override
  public Future<?> start() {
    ClusterCodecs.register(vertx);
    nodeKey = config.get().node().key();
    return vertx.eventBus().<TaskRequest>consumer(ClusterAddresses.task(nodeKey), this::onTask).completion();
  }

  private void onTask(Message<TaskRequest> msg) {
    TaskRequest task = msg.body();
    LOG.info("task {}: syncing {} (attempt {})", task.taskId(), task.spiderId(), task.attempt());
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(syncTimeoutMs(config.get()));
    vertx.eventBus()
        .<SyncReport>request(Addresses.WORKER_SYNC, new SyncRequest(task.spiderId(), null), options)
        .onSuccess(reply -> msg.reply(new TaskReply(task.taskId(), nodeKey, reply.body().toJson())))
        .onFailure(err -> {
          int code = err instanceof ReplyException re && re.failureCode() > 0 ? re.failureCode() : FAIL_UNAVAILABLE;
          LOG.warn("task {}: sync of {} failed: {}", task.taskId(), task.spiderId(), err.getMessage());
          msg.fail(code, err.getMessage());
        });
  }
}
