package dev.syncnode.master;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import org.junit.jupiter.api.Test;

class UnexpectedFailureTest {
  @Test
  void aFailedFileOperationTellsItsReasonButNotThePath() {
    String text = UnexpectedFailure.describe(
        new FileSystemException("/srv/master/ws/spider/src/a.py", null, "Too many open files"));
    assertEquals("internal error: Too many open files (details in the server's log)", text);
  }

  @Test
  void anythingElseTellsOnlyItsKind() {
    String text = UnexpectedFailure.describe(new UncheckedIOException(new IOException("/srv/master/ws/x: boom")));
    assertEquals("internal error: UncheckedIOException (details in the server's log)", text);
    assertFalse(UnexpectedFailure.describe(new IllegalStateException("/srv/secret")).contains("/srv"));
  }

  @Test
  void aFileSystemFailureWithoutReasonTellsItsKind() {
    assertEquals("internal error: NoSuchFileException (details in the server's log)",
        UnexpectedFailure.describe(new java.nio.file.NoSuchFileException("/srv/master/ws/gone")));
  }
}
