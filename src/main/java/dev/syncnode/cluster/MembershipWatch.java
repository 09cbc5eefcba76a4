package dev.syncnode.cluster;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.UUID;

/**
 * Runs a callback on a Vert.x context whenever a member joins or leaves the Hazelcast cluster. The
 * callback re-reads the member list ({@link ClusterSupport#liveNodeIds}) itself, so it does not depend
 * on how members map to Vert.x node ids. (The cluster manager's own node listener is left alone:
 * it belongs to the event bus.)
 */
public final class MembershipWatch implements AutoCloseable {
  private final HazelcastInstance hazelcast;
  private final UUID registration;

  private MembershipWatch(HazelcastInstance hazelcast, UUID registration) {
    this.hazelcast = hazelcast;
    this.registration = registration;
  }

  /** Starts watching; {@code onChange} runs on {@code context}. Without Hazelcast: a watch that never fires. */
  public static MembershipWatch start(Vertx vertx, Context context, Runnable onChange) {
    ClusterManager cm = ClusterSupport.managerOf(vertx);
    if (!(cm instanceof HazelcastClusterManager hz) || hz.getHazelcastInstance() == null) {
      return new MembershipWatch(null, null);
    }
    HazelcastInstance instance = hz.getHazelcastInstance();
    UUID id = instance.getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent event) {
        context.runOnContext(v -> onChange.run());
      }

      @Override
      public void memberRemoved(MembershipEvent event) {
        context.runOnContext(v -> onChange.run());
      }
    });
    return new MembershipWatch(instance, id);
  }

  @Override
  public void close() {
    if (registration != null && hazelcast.getLifecycleService().isRunning()) {
      try {
        hazelcast.getCluster().removeMembershipListener(registration);
      } catch (RuntimeException e) {
        // the instance is shutting down: the listener goes with it
      }
    }
  }
}
