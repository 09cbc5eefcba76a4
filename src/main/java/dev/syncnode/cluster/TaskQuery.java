package dev.syncnode.cluster;

/**
 * HTTP endpoint -> task manager (master-local): one page of {@code GET /api/tasks}, newest first.
 *
 * @param spiderId only tasks of this spider, or null for all
 * @param status only tasks in this status, or null for all
 * @param before only tasks older than this cursor ({@link TaskPage#nextCursor()}), or null from the newest
 * @param offset matching tasks to skip before the page starts
 * @param limit the most tasks in the page
 */
public record TaskQuery(String spiderId, Task.Status status, Long before, int offset, int limit) {
  public static final int DEFAULT_LIMIT = 50;
  public static final int MAX_LIMIT = 500;
}
