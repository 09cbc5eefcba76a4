/**
 * The HTTP transport. Node side: {@link dev.syncnode.node.HttpEndpointVerticle} (health,
 * metrics, the {@code /api/*} guard, the worker's sync API) and, on a master,
 * {@link dev.syncnode.transport.http.server.MasterHttpRoutes}: spider list, scan (manifest streamed as
 * chunked JSON from the shared scan cache) and download (AsyncFile piped with back-pressure, ETag,
 * ranges), both behind the counter-bounded FIFO {@link dev.syncnode.transport.http.server.HttpThrottle}
 * (503 + Retry-After beyond its queue). Worker side: {@link dev.syncnode.transport.http.client.HttpSyncSource},
 * which checks status, content type and body before believing an answer, classifies failures for
 * retry and fallback, and resumes downloads with {@code Range}. These classes translate between HTTP
 * and the manifest model; they hold no sync logic.
 */
package dev.syncnode.transport.http;
