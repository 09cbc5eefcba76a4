/**
 * The worker's gRPC client: a {@link dev.syncnode.transport.SyncSource} and
 * {@link dev.syncnode.transport.TransferSource} over the master's gRPC endpoint. Every call goes
 * through {@code GrpcCalls} (auth, deadline, cancel, failures classified for retry and fallback).
 */
package dev.syncnode.transport.grpc.client;
