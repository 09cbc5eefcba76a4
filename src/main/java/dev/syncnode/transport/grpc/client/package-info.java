/**
 * The worker's gRPC client: a {@link dev.syncnode.transport.SyncSource} and
 * {@link dev.syncnode.transport.TransferSource} over the master's gRPC endpoint, with deadlines,
 * cancellation and failures classified for retry and fallback.
 */
package dev.syncnode.transport.grpc.client;
