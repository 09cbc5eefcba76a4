/**
 * Confined file opening on the master: a file of a spider is opened once, without following a final
 * symlink and without blocking on a FIFO, then what was opened is checked (a regular file whose real
 * location is inside the spider root), and everything after (size, hash, bytes served) comes from that
 * one descriptor, never from the path again.
 */
package dev.syncnode.fs;
