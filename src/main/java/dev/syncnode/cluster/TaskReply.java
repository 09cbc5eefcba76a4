package dev.syncnode.cluster;

import io.vertx.core.json.JsonObject;

/**
 * Worker -> master, the reply to a {@link TaskRequest} (JSON codec). A failed sync is a failed reply
 * instead ({@code Message.fail(code, message)}).
 *
 * @param taskId the task id of the request
 * @param nodeKey the key of the worker that ran it
 * @param report the sync report ({@code SyncReport.toJson()})
 */
public record TaskReply(String taskId, String nodeKey, JsonObject report) {
  public JsonObject toJson() {
    return new JsonObject().put("task_id", taskId).put("node_key", nodeKey).put("report", report);
  }

  public static TaskReply fromJson(JsonObject o) {
    return new TaskReply(o.getString("task_id"), o.getString("node_key"), o.getJsonObject("report"));
  }
}
