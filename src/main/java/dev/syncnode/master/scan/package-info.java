/**
 * The master's scan cache: TTL-bounded manifests per (spider, path) and the in-flight Future map that
 * makes N concurrent requests share one directory walk, kept current by the spider watcher (a change
 * on disk invalidates the spider's manifests at once).
 */
package dev.syncnode.master.scan;
