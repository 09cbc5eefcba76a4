package dev.syncnode.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FatalErrorsTest {
  private Vertx vertx;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void jvmErrorOnAnEventLoopEndsTheProcess() throws Exception {
    Promise<Integer> exited = Promise.promise();
    var previous = FatalErrors.exit;
    FatalErrors.exit = exited::tryComplete;
    try {
      FatalErrors.install(vertx);
      vertx.runOnContext(v -> {
        throw new OutOfMemoryError("simulated");
      });
      assertEquals(FatalErrors.EXIT_STATUS, exited.future().await(10, TimeUnit.SECONDS));
      assertFalse(FatalErrors.check(new IllegalStateException("an ordinary failure")));
    } finally {
      FatalErrors.exit = previous;
    }
  }
}
