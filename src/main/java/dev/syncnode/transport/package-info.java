/**
 * What both transports share: the worker's view of a master ({@link dev.syncnode.transport.SyncSource})
 * and the classified {@link dev.syncnode.transport.TransportException}. The sub-packages translate
 * between the wire (gRPC, HTTP) and the manifest model; they hold no sync logic.
 */
package dev.syncnode.transport;
