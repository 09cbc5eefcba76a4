/**
 * A piece of a file on the wire and its compression codecs: the vocabulary the master's content
 * service and the worker's fetch code share, whatever the transport.
 */
package dev.syncnode.piece;
