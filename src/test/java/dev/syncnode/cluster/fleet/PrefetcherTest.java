package dev.syncnode.cluster.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Self-sync scheduling on a real event loop; the syncs are promises the test completes. */
class PrefetcherTest {
  private final Vertx vertx = Vertx.vertx();
  private final Context context = vertx.getOrCreateContext();
  /** Started syncs in order; each one's promise. */
  private final List<String> started = new ArrayList<>();
  private final Map<String, Promise<Void>> running = new HashMap<>();
  private Prefetcher prefetcher;

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private Future<?> sync(String spider) {
    started.add(spider);
    Promise<Void> p = Promise.promise();
    running.put(spider, p);
    return p.future();
  }

  private void on(Runnable r) throws Exception {
    CompletableFuture<Void> done = new CompletableFuture<>();
    context.runOnContext(v -> {
      r.run();
      done.complete(null);
    });
    done.get(10, TimeUnit.SECONDS);
  }

  /** Waits (event-loop timer checks, bounded) until the condition holds on the loop. */
  private void until(BooleanSupplier condition) throws Exception {
    CompletableFuture<Void> done = new CompletableFuture<>();
    context.runOnContext(v -> vertx.setPeriodic(0, 5, id -> {
      if (condition.getAsBoolean()) {
        vertx.cancelTimer(id);
        done.complete(null);
      }
    }));
    done.get(10, TimeUnit.SECONDS);
  }

  private List<String> startedNow() throws Exception {
    CompletableFuture<List<String>> out = new CompletableFuture<>();
    context.runOnContext(v -> out.complete(List.copyOf(started)));
    return out.get(10, TimeUnit.SECONDS);
  }

  @Test
  void aBurstIsOneSyncAtMostTwoRunAndARequestDuringASyncRunsAgainAfter() throws Exception {
    prefetcher = new Prefetcher(vertx, 20, 0, 2, this::sync);
    on(() -> {
      for (int i = 0; i < 5; i++) {
        prefetcher.request("a");
      }
      prefetcher.request("b");
      prefetcher.request("c");
    });
    until(() -> started.size() == 2 && prefetcher.pending() == 3);
    assertEquals(List.of("a", "b"), startedNow(), "c waits: two at once");
    on(() -> prefetcher.request("b")); // b changed again while its sync runs
    on(() -> running.get("a").complete());
    until(() -> started.size() == 3);
    assertEquals(List.of("a", "b", "c"), startedNow(), "a's five requests were one sync");
    on(() -> running.get("b").complete());
    until(() -> started.size() == 4);
    assertEquals(List.of("a", "b", "c", "b"), startedNow());
    on(() -> {
      running.get("c").complete();
      running.get("b").complete();
    });
    until(() -> prefetcher.pending() == 0);
    assertEquals(4, startedNow().size());
  }

  @Test
  void cancelAllDropsWhatWaits() throws Exception {
    prefetcher = new Prefetcher(vertx, 60_000, 0, 2, this::sync);
    on(() -> prefetcher.request("a"));
    on(() -> prefetcher.cancelAll());
    until(() -> prefetcher.pending() == 0);
    assertEquals(List.of(), startedNow());
  }
}
