/**
 * The master's HTTP API: spider list, streamed manifest and downloads (ETag, ranges), behind the
 * counter-bounded throttle; the shared JSON error replies of every HTTP route.
 */
package dev.syncnode.transport.http.server;
