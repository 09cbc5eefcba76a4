package dev.syncnode.cluster;

import static dev.syncnode.transport.http.server.HttpReplies.error;
import static dev.syncnode.transport.http.server.HttpReplies.json;

import dev.syncnode.config.ConfigHolder;
import dev.syncnode.manifest.PathRules;
import dev.syncnode.manifest.PathViolation;
import dev.syncnode.security.Auth;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
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
 * {@code GET /api/nodes}, {@code POST /api/tasks}, {@code GET /api/tasks}, {@code GET /api/tasks/{id}}.
 * JSON in and out, camelCase names ({@code spiderId}, {@code nodeKey}); requests may still use the
 * snake_case aliases ({@code spider_id}, {@code node_key}). Errors are {@code {"error": "..."}}. When
 * auth is on, these need the bearer token like every API.
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
    router.get("/api/nodes").handler(routes::admit).handler(routes::nodes);
    router.post("/api/tasks").handler(BodyHandler.create(false).setBodyLimit(MAX_BODY)).handler(routes::admit)
        .handler(routes::submit);
    router.get("/api/tasks").handler(routes::admit).handler(routes::list);
    router.get("/api/tasks/:id").handler(routes::admit).handler(routes::task);
  }

  /** Auth and cluster mode: the request goes on only when both allow it. */
  private void admit(RoutingContext ctx) {
    if (!Auth.check(config.get().auth(), ctx.request().getHeader("Authorization"))) {
      error(ctx, 401, "missing or wrong bearer token");
    } else if (!vertx.isClustered()) {
      error(ctx, 404, "cluster mode is off: start the node with -cluster");
    } else {
      ctx.next();
    }
  }

  /** A master-local request to the task manager. */
  private <T> Future<T> ask(String address, Object body) {
    return vertx.eventBus().<T>request(address, body, new DeliveryOptions().setSendTimeout(LOCAL_TIMEOUT_MS))
        .map(Message::body);
  }

  private void nodes(RoutingContext ctx) {
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
    TaskSubmit submit;
    try {
      submit = parse(ctx.body().buffer());
    } catch (IllegalArgumentException e) {
      error(ctx, 400, e.getMessage());
      return;
    }
    this.<Task>ask(ClusterAddresses.TASKS_SUBMIT, submit)
        .onSuccess(task -> {
          ctx.response().putHeader("Location", "/api/tasks/" + task.id());
          json(ctx, 202, new JsonObject().put("id", task.id()).put("status", task.status().json())
              .put("spiderId", task.spiderId()));
        })
        .onFailure(err -> replyError(ctx, err));
  }

  private void task(RoutingContext ctx) {
    this.<Task>ask(ClusterAddresses.TASKS_GET, ctx.pathParam("id"))
        .onSuccess(task -> json(ctx, 200, task.toJson()))
        .onFailure(err -> replyError(ctx, err));
  }

  private void list(RoutingContext ctx) {
    TaskQuery query;
    try {
      query = query(ctx);
    } catch (IllegalArgumentException e) {
      error(ctx, 400, e.getMessage());
      return;
    }
    this.<TaskPage>ask(ClusterAddresses.TASKS_LIST, query)
        .onSuccess(reply -> {
          JsonArray tasks = new JsonArray();
          reply.tasks().forEach(t -> tasks.add(t.toJson()));
          JsonObject page = new JsonObject().put("tasks", tasks).put("limit", query.limit());
          if (reply.nextCursor() != null) {
            page.put("nextCursor", Long.toString(reply.nextCursor()));
          }
          json(ctx, 200, page);
        })
        .onFailure(err -> replyError(ctx, err));
  }

  /** The query of {@code GET /api/tasks}: spiderId, status, limit, cursor, offset. */
  static TaskQuery query(RoutingContext ctx) {
    String spider = param(ctx, "spiderId", "spider_id");
    if (spider != null) {
      try {
        PathRules.requireSpiderId(spider);
      } catch (PathViolation e) {
        throw new IllegalArgumentException("invalid spiderId: " + e.getMessage());
      }
    }
    Task.Status status = null;
    String s = param(ctx, "status", "status");
    if (s != null) {
      try {
        status = Task.Status.valueOf(s.toUpperCase(java.util.Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("status must be pending, running, succeeded or failed");
      }
    }
    long limit = number(param(ctx, "limit", "limit"), "limit", TaskQuery.DEFAULT_LIMIT, 1);
    long offset = number(param(ctx, "offset", "offset"), "offset", 0, 0);
    String cursor = param(ctx, "cursor", "cursor");
    Long before = cursor == null ? null : number(cursor, "cursor", 0, 1);
    return new TaskQuery(spider, status, before, (int) Math.min(offset, Integer.MAX_VALUE),
        (int) Math.min(limit, TaskQuery.MAX_LIMIT));
  }

  private static String param(RoutingContext ctx, String name, String alias) {
    String v = ctx.request().getParam(name);
    return v != null || alias.equals(name) ? v : ctx.request().getParam(alias);
  }

  private static long number(String value, String name, long absent, long min) {
    if (value == null) {
      return absent;
    }
    try {
      long n = Long.parseLong(value);
      if (n >= min) {
        return n;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw new IllegalArgumentException(name + " must be a whole number of at least " + min);
  }

  /**
   * {@code {"spiderId": "...", "nodeKey": "..."?}} (or the aliases {@code spider_id}, {@code node_key});
   * IllegalArgumentException with the reason otherwise.
   */
  static TaskSubmit parse(Buffer body) {
    if (body == null || body.length() == 0) {
      throw new IllegalArgumentException("body must be a JSON object with spiderId");
    }
    Object value;
    try {
      value = Json.decodeValue(body);
    } catch (DecodeException e) {
      throw new IllegalArgumentException("body is not valid JSON");
    }
    if (!(value instanceof JsonObject o)) {
      throw new IllegalArgumentException("body must be a JSON object with spiderId");
    }
    Object spider = field(o, "spiderId", "spider_id");
    if (!(spider instanceof String s) || s.isBlank()) {
      throw new IllegalArgumentException("spiderId is required (a non-empty string)");
    }
    Object node = field(o, "nodeKey", "node_key");
    if (node != null && (!(node instanceof String k) || k.isBlank())) {
      throw new IllegalArgumentException("nodeKey must be a non-empty string when given");
    }
    return new TaskSubmit(s, (String) node);
  }

  /** The field under its name or its snake_case alias; both given and different is an error. */
  private static Object field(JsonObject o, String name, String alias) {
    Object v = o.getValue(name);
    Object a = o.getValue(alias);
    if (v != null && a != null && !v.equals(a)) {
      throw new IllegalArgumentException(name + " and " + alias + " differ; give one of them");
    }
    return v != null ? v : a;
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
