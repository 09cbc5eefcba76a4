/**
 * The gRPC transport: the master's {@code syncnode.v1.SyncService} endpoint and the worker's gRPC
 * client. Translation only: manifests come from the scan cache, files from the spider directory.
 */
package dev.syncnode.transport.grpc;
