package dev.syncnode.piece;

import dev.syncnode.piece.PieceCodec.Codec;
import java.nio.ByteBuffer;

/**
 * One piece of file content as it came over the wire.
 *
 * @param index the file's index in the request (0 for single-file requests)
 * @param offset offset of the piece in the file (uncompressed)
 * @param data the bytes as sent (read-only, not to be modified), encoded with {@code codec}
 * @param codec how {@code data} is compressed ({@link Codec#NONE}: raw)
 * @param rawSize length of the piece once decompressed
 * @param fileSize total size of the file, as the master saw it
 * @param eof last piece of this file
 */
public record FilePiece(int index, long offset, ByteBuffer data, Codec codec, int rawSize, long fileSize,
    boolean eof) {}
