package dev.syncnode.cluster;

import static dev.syncnode.transport.http.HttpReplies.error;
import static dev.syncnode.transport.http.HttpReplies.json;

import dev.syncnode.config.ConfigHolder;
import dev.syncnode.transport.Auth;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * The master's cluster API, mounted on its HTTP router:
 * {@code GET /api/nodes}, {@code POST /api/tasks}, {@code GET /api/tasks/{id}}. JSON in and out;
 * errors are {@code {"error": "..."}}. When auth is on, these need the bearer token like every API.
 */
public final class ClusterRoutes {
  /** Largest accepted {@code POST /api/tasks} body. */
  public static final long MAX_BODY = 16 * 1024;
  private static final long LOCAL_TIMEOUT_MS = 30_000;

  private final Vertx vertx;
  private final ConfigHolder config;
  private final NodeRegistry registry;

  private ClusterRoutes(Vertx vertx, ConfigHolder config) {
    this.vertx = vertx;
    this.config = config;
    this.registry = new NodeRegistry(vertx);
  }

  /** Adds the cluster routes (a master's HTTP endpoint calls this). Without {@code -cluster} they answer 404 JSON. */
  public static void mount(Router router, Vertx vertx, ConfigHolder config) {
    ClusterRoutes routes = new ClusterRoutes(vertx, config);
    router.get("/api/nodes").handler(routes::nodes);
    router.post("/api/tasks").handler(BodyHandler.create(false).setBodyLimit(MAX_BODY)).handler(routes::submit);
    router.get("/api/tasks/:id").handler(routes::task);
  }

  /** Auth and cluster mode; answers the error itself and returns false when the request cannot go on. */
  private boolean admit(RoutingContext ctx) {
    if (!Auth.check(config.get().auth(), ctx.request().getHeader("Authorization"))) {
      error(ctx, 401, "missing or wrong bearer token");
      return false;
    }
    if (!vertx.isClustered()) {
      error(ctx, 404, "cluster mode is off: start the node with -cluster");
      return false;
    }
    return true;
  }

  private void nodes(RoutingContext ctx) {
    if (!admit(ctx)) {
      return;
    }
    registry.live()
        .onSuccess(list -> {
          long now = System.currentTimeMillis();
          JsonArray out = new JsonArray();
          for (NodeInfo n : list) {
            out.add(n.toJson().put("status", NodeRegistry.status(n, now)));
          }
          ctx.response().setStatusCode(200).putHeader("Content-Type", "application/json").end(out.encode());
        })
        .onFailure(err -> error(ctx, 503, "cannot read the node registry: " + err.getMessage()));
  }

  private void submit(RoutingContext ctx) {
    if (!admit(ctx)) {
      return;
    }
    TaskSubmit submit;
    try {
      submit = parse(ctx.body().buffer());
    } catch (IllegalArgumentException e) {
      error(ctx, 400, e.getMessage());
      return;
    }
    vertx.eventBus()
        .<Task>request(ClusterAddresses.TASKS_SUBMIT, submit, new DeliveryOptions().setSendTimeout(LOCAL_TIMEOUT_MS))
        .onSuccess(reply -> {
          Task task = reply.body();
          ctx.response().putHeader("Location", "/api/tasks/" + task.id());
          json(ctx, 202, new JsonObject().put("id", task.id()).put("status", task.status().json())
              .put("spider_id", task.spiderId()));
        })
        .onFailure(err -> replyError(ctx, err));
  }

  private void task(RoutingContext ctx) {
    if (!admit(ctx)) {
      return;
    }
    vertx.eventBus()
        .<Task>request(ClusterAddresses.TASKS_GET, ctx.pathParam("id"), new DeliveryOptions().setSendTimeout(LOCAL_TIMEOUT_MS))
        .onSuccess(reply -> json(ctx, 200, reply.body().toJson()))
        .onFailure(err -> replyError(ctx, err));
  }

  /** {@code {"spider_id": "...", "node_key": "..."?}}; IllegalArgumentException with the reason otherwise. */
  static TaskSubmit parse(Buffer body) {
    if (body == null || body.length() == 0) {
      throw new IllegalArgumentException("body must be a JSON object with spider_id");
    }
    Object value;
    try {
      value = Json.decodeValue(body);
    } catch (DecodeException e) {
      throw new IllegalArgumentException("body is not valid JSON");
    }
    if (!(value instanceof JsonObject o)) {
      throw new IllegalArgumentException("body must be a JSON object with spider_id");
    }
    Object spider = o.getValue("spider_id");
    if (!(spider instanceof String s) || s.isBlank()) {
      throw new IllegalArgumentException("spider_id is required (a non-empty string)");
    }
    Object node = o.getValue("node_key");
    if (node != null && (!(node instanceof String k) || k.isBlank())) {
      throw new IllegalArgumentException("node_key must be a non-empty string when given");
    }
    return new TaskSubmit(s, (String) node);
  }

  private static void replyError(RoutingContext ctx, Throwable err) {
    if (err instanceof ReplyException re) {
      if (re.failureType() == ReplyFailure.RECIPIENT_FAILURE && re.failureCode() >= 400 && re.failureCode() < 600) {
        error(ctx, re.failureCode(), re.getMessage());
        return;
      }
      if (re.failureType() == ReplyFailure.NO_HANDLERS) {
        error(ctx, 503, "the task manager is not running (yet)");
        return;
      }
    }
    error(ctx, 503, "task manager unavailable: " + err.getMessage());
  }
}
