/**
 * The only package that knows both roles: assembles the verticles of a master or a worker, mounts the
 * routes the roles hand it on one HTTP server, and answers {@code GET /health} (workspace access on
 * every node, the master's own ports, master reachability on workers).
 */
package dev.syncnode.node;
