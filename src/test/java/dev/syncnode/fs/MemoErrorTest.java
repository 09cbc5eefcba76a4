package dev.syncnode.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import org.junit.jupiter.api.Test;

/**
 * A computation that throws an Error (an {@code OutOfMemoryError} while a piece is compressed is one a
 * master recovers from) must not leave its key "in flight" for ever: every later request of the key
 * would join a future that never completes (a worker thread blocked for good per request of that piece).
 */
class MemoErrorTest {
  @Test
  void aComputationThatThrowsAnErrorFailsAndTheNextRequestComputesAgain() {
    Memo<String, String> memo = new Memo<>(1024, v -> v.length());
    OutOfMemoryError oom = new OutOfMemoryError("Java heap space");
    Future<String> failed;
    try {
      failed = memo.get("k", () -> {
        throw oom;
      });
    } catch (OutOfMemoryError thrown) {
      failed = Future.failedFuture(thrown); // thrown through is fine too, as long as the key is free again
    }
    assertTrue(failed.failed());
    assertInstanceOf(OutOfMemoryError.class, failed.cause());
    Future<String> again = memo.get("k", () -> Future.succeededFuture("v"));
    assertTrue(again.isComplete(), "the key is computed again, not joined to a computation that never ends");
    assertEquals("v", again.result());
    assertEquals(2, memo.computed());
  }
}
