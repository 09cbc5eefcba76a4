package dev.syncnode.master;

import java.nio.file.FileSystemException;

/**
 * What a client is told about a failure the server did not expect (a gRPC {@code INTERNAL}, an HTTP
 * 500): the kind of failure, such as the system's reason for a failed file operation ("Too many open
 * files", "Input/output error"), without the server's file-system paths or other details, which go to
 * the server's log with the stack trace.
 */
public final class UnexpectedFailure {
  private UnexpectedFailure() {}

  /** The client-facing text for an unexpected failure. */
  public static String describe(Throwable err) {
    String reason = null;
    if (err instanceof FileSystemException fse) {
      reason = fse.getReason();
    }
    return "internal error: " + (reason == null || reason.isBlank() ? err.getClass().getSimpleName() : reason)
        + " (details in the server's log)";
  }
}
