/**
 * The master's scans: the scanner verticle that walks a spider off the event loop, the scan cache
 * (TTL-bounded manifests per spider and path, and the in-flight Future map that makes N concurrent
 * requests share one walk) and the spider watcher that invalidates a spider's manifests when its
 * files change.
 */
package dev.syncnode.master.scan;
