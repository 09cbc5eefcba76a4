/**
 * File content as the master serves it: pieces read a bounded round at a time, compressed pieces
 * and block indexes shared between concurrent workers, whole-file hashes for ETags, and the queue
 * that bounds block-hash work per client.
 */
package dev.syncnode.master.content;
