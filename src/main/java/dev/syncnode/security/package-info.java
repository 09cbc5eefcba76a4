/**
 * Trust boundaries of a node: TLS options for both ports and for the worker's clients, bearer-token
 * checks on the HTTP API, the hardened server options (idle timeouts, gRPC over HTTP/2 only), and the
 * connection guard (connection caps, header deadline, idle HTTP/2 connections closed) with the accept
 * gate that shows it each connection as soon as it is accepted.
 * The constant-time token comparison itself is {@link dev.syncnode.security.Auth}.
 */
package dev.syncnode.security;
