/**
 * The master's scan cache: TTL-bounded manifests per (spider, path) and the in-flight Future map that
 * makes N concurrent requests share one directory walk.
 */
package dev.syncnode.cache;
