/**
 * What both transports share: the worker's view of a master ({@link dev.syncnode.transport.SyncSource},
 * with the optional efficient calls of {@link dev.syncnode.transport.TransferSource}), the classified
 * {@link dev.syncnode.transport.TransportException}, and the piece compression rules
 * ({@link dev.syncnode.transport.PieceCodec}). The sub-packages translate between the wire (gRPC,
 * HTTP) and the manifest model; they hold no sync logic.
 */
package dev.syncnode.transport;
