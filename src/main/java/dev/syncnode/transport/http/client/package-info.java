/**
 * The worker's HTTP client: a {@link dev.syncnode.transport.SyncSource} that checks status, type and
 * body before believing an answer, parses the manifest as a stream and resumes with {@code Range}.
 * Every request goes through {@code HttpCalls} (auth, deadline, reset on failure, classify).
 */
package dev.syncnode.transport.http.client;
