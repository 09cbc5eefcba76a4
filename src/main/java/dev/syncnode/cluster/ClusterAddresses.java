package dev.syncnode.cluster;

/** Event-bus addresses of cluster mode. */
public final class ClusterAddresses {
  /**
   * Prefix of a worker's task address, followed by its node key. Cluster-wide: {@link TaskRequest} ->
   * {@link TaskReply} (JSON codecs).
   */
  public static final String TASK_PREFIX = "syncnode.cluster.task.";
  /** Master-local: {@link TaskSubmit} -> {@link Task}; fails 400, 404 or 503. */
  public static final String TASKS_SUBMIT = "syncnode.cluster.tasks.submit";
  /** Master-local: {@link TaskQuery} -> {@link TaskPage}. */
  public static final String TASKS_LIST = "syncnode.cluster.tasks.list";
  /** Master-local: task id (String) -> {@link Task}; fails 404. */
  public static final String TASKS_GET = "syncnode.cluster.tasks.get";

  private ClusterAddresses() {}

  /** The task address of the worker with this node key. */
  public static String task(String nodeKey) {
    return TASK_PREFIX + nodeKey;
  }
}
