package dev.syncnode.transport;

import java.nio.ByteBuffer;

/**
 * One piece of file content as it came over the wire.
 *
 * @param index the file's index in the request (0 for single-file requests)
 * @param offset offset of the piece in the file (uncompressed)
 * @param data the bytes as sent (read-only, not to be modified): DEFLATE-compressed when {@code deflated}
 * @param deflated whether {@code data} must be inflated
 * @param rawSize length of the piece once inflated
 * @param fileSize total size of the file, as the master saw it
 * @param eof last piece of this file
 */
public record FilePiece(int index, long offset, ByteBuffer data, boolean deflated, int rawSize, long fileSize,
    boolean eof) {}
