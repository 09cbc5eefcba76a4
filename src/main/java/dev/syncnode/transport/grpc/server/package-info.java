/**
 * The master's gRPC endpoint ({@code syncnode.v1.SyncService}): translates calls to scans and
 * content reads, pumps pieces with a bounded send budget and cuts stalled streams.
 */
package dev.syncnode.transport.grpc.server;
