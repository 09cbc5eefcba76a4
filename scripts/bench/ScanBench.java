import dev.syncnode.manifest.IgnoreRules;
import dev.syncnode.scan.Scanner;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Times the master's cold scan (walk + SHA-256 of every file, a new Scanner each time so nothing is
 * remembered) of one directory, in process: `java -cp target/node.jar scripts/bench/ScanBench.java DIR
 * [ROUNDS]`. The first half of the rounds warm the JIT up; the median of the second half is printed.
 * To compare two builds, run it with each jar in turn, alternating, in one shell session.
 */
public class ScanBench {
  public static void main(String[] args) throws Exception {
    Path root = Path.of(args[0]);
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 40;
    IgnoreRules none = IgnoreRules.of(List.of());
    List<Double> ms = new ArrayList<>();
    long files = 0;
    for (int i = 0; i < rounds; i++) {
      long t = System.nanoTime();
      files = new Scanner().scan("bench", root, "", none).manifest().fileCount();
      if (i >= rounds / 2) {
        ms.add((System.nanoTime() - t) / 1e6);
      }
    }
    Collections.sort(ms);
    System.out.printf("cold scan of %s: %d files, median %.1f ms, min %.1f ms (%d measured rounds, %d CPUs)%n",
        root, files, ms.get(ms.size() / 2), ms.get(0), ms.size(), Runtime.getRuntime().availableProcessors());
  }
}
