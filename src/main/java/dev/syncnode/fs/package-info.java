/**
 * The file system as both roles use it: the tree scanner with its hash memo, file hashing, the master
 * workspace mark, the one recursive directory watch (spider trees, worker destinations), and confined
 * opening (a file is opened once, without following a final symlink and without blocking on a FIFO,
 * checked, and then hashed and served from that one descriptor).
 */
package dev.syncnode.fs;
