package dev.syncnode.cluster;

import io.vertx.core.json.JsonObject;

/**
 * One task as the master tracks it. Immutable: the task manager replaces it on every change and
 * hands snapshots to the HTTP endpoint.
 *
 * @param id task id
 * @param spiderId the spider to sync
 * @param nodeKey the worker the task was sent to (null while not yet assigned)
 * @param nodeId that worker's Vert.x node id, to notice when it leaves the cluster
 * @param pinned true when the client named the worker: the task never moves to another one
 * @param status pending, running, succeeded or failed
 * @param attempt number of dispatches so far
 * @param report the worker's sync report once succeeded
 * @param error what went wrong once failed
 * @param createdAt epoch ms
 * @param updatedAt epoch ms of the latest change
 */
public record Task(
    String id,
    String spiderId,
    String nodeKey,
    String nodeId,
    boolean pinned,
    Status status,
    int attempt,
    JsonObject report,
    String error,
    long createdAt,
    long updatedAt) {

  public enum Status {
    PENDING, RUNNING, SUCCEEDED, FAILED;

    public boolean finished() {
      return this == SUCCEEDED || this == FAILED;
    }

    public String json() {
      return name().toLowerCase();
    }
  }

  public static Task pending(String id, String spiderId, boolean pinned, long now) {
    return new Task(id, spiderId, null, null, pinned, Status.PENDING, 0, null, null, now, now);
  }

  /** Sent to a worker: one more attempt. */
  public Task running(NodeInfo worker, long now) {
    return new Task(id, spiderId, worker.key(), worker.nodeId(), pinned, Status.RUNNING, attempt + 1, null, null,
        createdAt, now);
  }

  /** Back to pending, waiting for another worker (its worker was lost). */
  public Task requeued(long now) {
    return new Task(id, spiderId, nodeKey, nodeId, pinned, Status.PENDING, attempt, null, null, createdAt, now);
  }

  public Task succeeded(JsonObject report, long now) {
    return new Task(id, spiderId, nodeKey, nodeId, pinned, Status.SUCCEEDED, attempt, report, null, createdAt, now);
  }

  public Task failed(String error, long now) {
    return new Task(id, spiderId, nodeKey, nodeId, pinned, Status.FAILED, attempt, null, error, createdAt, now);
  }

  /** The JSON of {@code GET /api/tasks/{id}} (camelCase, as every API answer). */
  public JsonObject toJson() {
    JsonObject o = new JsonObject()
        .put("id", id)
        .put("spiderId", spiderId)
        .put("nodeKey", nodeKey)
        .put("status", status.json())
        .put("attempts", attempt)
        .put("created", createdAt)
        .put("updated", updatedAt);
    if (report != null) {
      o.put("report", report.copy());
    }
    if (error != null) {
      o.put("error", error);
    }
    return o;
  }
}
