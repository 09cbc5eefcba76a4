package dev.syncnode.delta;

/**
 * Block hashes of one file as answered by the master (see {@code BlockHashesRequest} in the proto):
 * either one hash per group ({@code groups} empty), or the block hashes of the requested groups.
 *
 * @param wireBytes encoded size of the answer, for byte accounting
 */
public record BlockHashes(long fileSize, String fileHash, int blockSize, int groupSize, long[] groupHashes,
    int[] groups, long[] strong, int[] weak, long wireBytes) {}
