/**
 * File content as the master serves it: {@link dev.syncnode.master.content.ContentVerticle} answers the
 * content side of {@code MasterService} (open files, piece readers, block indexes) through the one
 * {@link dev.syncnode.master.content.ContentCache}, keyed by file identity and shared by concurrent workers.
 */
package dev.syncnode.master.content;
