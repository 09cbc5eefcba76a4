/**
 * The HTTP transport: the node's HTTP port (health, metrics, the master's fallback sync API with its
 * throttle, the worker's sync API) and the worker's HTTP client to a master.
 */
package dev.syncnode.transport.http;
