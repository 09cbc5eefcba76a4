/**
 * The gRPC transport: the master's {@code syncnode.v1.SyncService} endpoint and the worker's gRPC
 * client. Translation only: manifests come from the scan cache, files from the spider directory.
 * The transfer calls (bulk files, ranges, block hashes) are served by {@code TransferService}, which
 * reads files a bounded round at a time ({@code PieceReader}) and shares compressed pieces and block
 * indexes between concurrent workers ({@code PieceCache}, {@code BlockIndexCache}); the worker side is
 * {@code GrpcTransferClient}.
 */
package dev.syncnode.transport.grpc;
