/**
 * Block-level delta transfer, pure logic plus blocking file reads: block and group hashes of a file
 * ({@link dev.syncnode.delta.BlockIndex}), the rolling checksum, and the planner that decides which
 * byte ranges of a new file a worker copies from its old copy and which it downloads
 * ({@link dev.syncnode.delta.DeltaPlan}). Callers run the blocking parts in {@code executeBlocking}.
 * Nothing here decides correctness: every file built from a plan is checked against its whole-file
 * SHA-256 before it is installed, so a hash collision or a stale local block costs a full
 * download, never a wrong file.
 */
package dev.syncnode.delta;
