package dev.syncnode.cluster;

import io.vertx.core.json.JsonObject;

/**
 * Master -> worker over the clustered event bus (JSON codec): sync this spider for this task.
 *
 * @param taskId the master's task id
 * @param spiderId the spider to sync into the worker's workspace
 * @param attempt 1 for the first dispatch, 2 for a re-dispatch after a worker was lost
 */
public record TaskRequest(String taskId, String spiderId, int attempt) {
  public JsonObject toJson() {
    return new JsonObject().put("task_id", taskId).put("spider_id", spiderId).put("attempt", attempt);
  }

  public static TaskRequest fromJson(JsonObject o) {
    return new TaskRequest(o.getString("task_id"), o.getString("spider_id"), o.getInteger("attempt", 1));
  }
}
