/**
 * The master role's behaviour, whatever the transport: {@link dev.syncnode.master.MasterService}, the
 * facade the transports' servers call over the local event bus; confined spider roots and files; what
 * a client is told about unexpected failures. Sub-packages: {@code scan} (scanner, scan cache, spider
 * watch) and {@code content} (files, pieces, hashes, block indexes, and their one cache).
 */
package dev.syncnode.master;
