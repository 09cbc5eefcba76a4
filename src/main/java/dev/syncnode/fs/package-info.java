/**
 * The file system as both roles use it: the tree scanner with its hash memo, file hashing, file
 * identity and a bounded {@link dev.syncnode.fs.Memo} of shared computations, the one recursive
 * directory watch (spider trees, worker destinations), the master workspace mark, and confined
 * opening (a file is opened once, without following a final symlink and without blocking on a FIFO,
 * checked, and then hashed and served from that one descriptor).
 */
package dev.syncnode.fs;
