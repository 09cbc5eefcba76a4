/**
 * What both transports share: the worker's view of a master ({@link dev.syncnode.transport.SyncSource},
 * with the optional efficient calls of {@link dev.syncnode.transport.TransferSource}), the classified
 * {@link dev.syncnode.transport.TransportException}, the piece compression rules
 * ({@link dev.syncnode.piece.PieceCodec}), and what a client is told about a failure a server did
 * not expect ({@link dev.syncnode.master.UnexpectedFailure}). The sub-packages translate between the wire (gRPC,
 * HTTP) and the manifest model; they hold no sync logic.
 */
package dev.syncnode.transport;
