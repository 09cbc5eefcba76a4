package dev.syncnode.cluster;

/**
 * HTTP endpoint -> task manager (master-local): create a task.
 *
 * @param spiderId the spider to sync
 * @param nodeKey the worker to run it, or null for a live worker chosen round-robin
 */
public record TaskSubmit(String spiderId, String nodeKey) {}
