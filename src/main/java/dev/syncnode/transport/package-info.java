/**
 * The worker's view of a master, whatever the wire: {@link dev.syncnode.transport.SyncSource} with the
 * optional efficient calls of {@link dev.syncnode.transport.TransferSource}, and failures classified by
 * {@link dev.syncnode.transport.TransportException} so a retry or a fallback knows what can help. The
 * sub-packages translate between the wire (gRPC, HTTP) and the master's service or this view; they
 * hold no sync logic.
 */
package dev.syncnode.transport;
