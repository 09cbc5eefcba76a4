/**
 * Getting the bytes a sync needs: reuse, delta, bulk and whole strategies scheduled by
 * {@code Downloads}, each producing bytes into {@code Staging}, whose {@code StagedFile} is the only
 * writer of temp files and the only check against the manifest's SHA-256 (hashed while written).
 */
package dev.syncnode.worker.fetch;
