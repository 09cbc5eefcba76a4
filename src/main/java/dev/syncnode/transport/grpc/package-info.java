/**
 * What both ends of the gRPC transport share: the mapping between proto messages and the manifest
 * model, and the message size limit. The master's endpoint is in {@code server}, the worker's client
 * in {@code client}.
 */
package dev.syncnode.transport.grpc;
