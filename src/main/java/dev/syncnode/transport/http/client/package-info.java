/**
 * The worker's HTTP client: a {@link dev.syncnode.transport.SyncSource} that checks status, type and
 * body before believing an answer, parses the manifest as a stream and resumes with {@code Range}.
 */
package dev.syncnode.transport.http.client;
