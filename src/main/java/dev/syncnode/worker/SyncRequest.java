package dev.syncnode.worker;

/**
 * Ask the worker sync verticle to mirror a spider.
 *
 * @param spiderId the spider to sync
 * @param dest destination directory; null means {@code <workspace>/<spiderId>}
 */
public record SyncRequest(String spiderId, String dest) {}
