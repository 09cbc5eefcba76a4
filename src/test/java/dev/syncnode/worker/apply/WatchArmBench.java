package dev.syncnode.worker.apply;

import dev.syncnode.manifest.IgnoreRules;
import java.nio.file.Path;
import java.util.List;

/**
 * Times what a sync with changes spends on the destination watch, with the two ways of getting from
 * one arming to the next, alternating in one run: dropping every watch and registering the tree again
 * ("full"), and suspending the destination and re-arming it in place. Not a test; run it with
 * {@code mvn -B -q -o test-compile && java -cp target/node.jar:target/test-classes
 * dev.syncnode.worker.apply.WatchArmBench DIR [ROUNDS]}.
 */
public final class WatchArmBench {
  public static void main(String[] args) throws Exception {
    Path root = Path.of(args[0]);
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 40;
    IgnoreRules ignore = IgnoreRules.of(List.of());
    DestinationWatch watch = DestinationWatch.forTests(DestinationWatch.MAX_WATCHES, 5_000);
    try {
      if (watch.arm(root, ignore) == 0) {
        throw new IllegalStateException(root + " cannot be armed");
      }
      for (String mode : List.of("full", "in place", "full", "in place")) {
        double total = 0;
        for (int i = 0; i < rounds; i++) {
          long t = System.nanoTime();
          if (mode.equals("full")) {
            watch.disarm(root);
          } else {
            watch.suspend(root);
          }
          if (watch.arm(root, ignore) == 0) {
            throw new IllegalStateException(root + " could not be re-armed");
          }
          if (i >= rounds / 2) { // the first half warms the JIT up
            total += (System.nanoTime() - t) / 1e6;
          }
        }
        System.out.printf("%-8s re-arming of %s: %.1f ms (mean of %d)%n", mode, root, total / (rounds - rounds / 2),
            rounds - rounds / 2);
      }
    } finally {
      watch.close();
    }
  }
}
