/**
 * The master role's behaviour, whatever the transport: resolving a spider's root and opening its files
 * confined to it, and what a client is told about failures the master did not expect. Sub-packages:
 * {@code scan} (scanner verticle, scan cache, spider watch) and {@code content} (file pieces, hashes,
 * block indexes shared between concurrent requests).
 */
package dev.syncnode.master;
