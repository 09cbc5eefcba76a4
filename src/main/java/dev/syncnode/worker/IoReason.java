package dev.syncnode.worker;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.NotLinkException;
import java.util.Map;

/**
 * The operating system's reason for a failed file operation. Java turns the most common errors into
 * exception classes whose message is only the path ({@code AccessDeniedException: ro/mirror}); the
 * reason is then the class, said here as the OS says it.
 */
public final class IoReason {
  /** What the OS says for the errors Java turns into exception classes. */
  private static final Map<Class<?>, String> REASONS = Map.of(
      AccessDeniedException.class, "Permission denied",
      NoSuchFileException.class, "No such file or directory",
      FileAlreadyExistsException.class, "File exists",
      DirectoryNotEmptyException.class, "Directory not empty",
      NotDirectoryException.class, "Not a directory",
      NotLinkException.class, "Not a symbolic link",
      FileSystemLoopException.class, "Too many levels of symbolic links");

  private IoReason() {}

  /** "{@code <file>: <reason>}" (or the message when there is no file). */
  public static String of(IOException e) {
    if (!(e instanceof FileSystemException fse)) {
      return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
    String reason = fse.getReason() != null ? fse.getReason() : byClass(fse);
    String file = fse.getFile() == null ? "" : fse.getFile() + (fse.getOtherFile() == null ? "" : " -> "
        + fse.getOtherFile()) + ": ";
    return file + reason;
  }

  /** "{@code cannot <what> <dest>: <operation>: <file>: <reason>}" as one message. */
  public static String describe(String what, Object dest, String operation, IOException e) {
    return "cannot " + what + " " + dest + ": " + operation + ": " + of(e);
  }

  private static String byClass(FileSystemException e) {
    return REASONS.getOrDefault(e.getClass(), e.getClass().getSimpleName());
  }
}
