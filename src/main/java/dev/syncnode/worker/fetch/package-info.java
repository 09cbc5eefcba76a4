/**
 * Getting the bytes a sync needs: local reuse, block delta, bulk streams and whole-file streams,
 * written to temp files and verified against the manifest before anything is applied; partial files
 * kept for resume.
 */
package dev.syncnode.worker.fetch;
