package dev.syncnode.cluster;

import java.util.List;

/**
 * Task manager -> HTTP endpoint (master-local): the answer to a {@link TaskQuery}.
 *
 * @param tasks the page, newest first
 * @param nextCursor where the next page starts ({@link TaskQuery#before()}), or null when this is the last
 */
public record TaskPage(List<Task> tasks, Long nextCursor) {}
