/**
 * What both ends of the HTTP transport share: the JSON form of a manifest and the media types. The
 * master's routes are in {@code server}, the worker's client in {@code client}.
 */
package dev.syncnode.transport.http;
