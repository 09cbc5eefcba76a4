/** Health checks behind {@code GET /health}: workspace access on every node, master reachability on workers. */
package dev.syncnode.node;
