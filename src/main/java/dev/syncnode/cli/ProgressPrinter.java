package dev.syncnode.cli;

import dev.syncnode.worker.SyncRun;
import java.io.PrintStream;

/** Prints files and bytes done/total, rate and ETA on one refreshed stderr line (terminals only). */
final class ProgressPrinter implements SyncRun.Progress {
  private final PrintStream err;
  private final long startNanos = System.nanoTime();
  private long totalFiles;
  private long totalBytes;
  private long doneFiles;
  private long doneBytes;
  private long lastPrint;
  private boolean printed;

  ProgressPrinter(PrintStream err) {
    this.err = err;
  }

  @Override
  public synchronized void planned(long files, long bytes) {
    totalFiles = files;
    totalBytes = bytes;
    print(true);
  }

  @Override
  public synchronized void advanced(long files, long bytes) {
    doneFiles += files;
    doneBytes += bytes;
    print(doneFiles == totalFiles);
  }

  synchronized void finish() {
    if (printed) {
      err.println();
    }
  }

  private void print(boolean force) {
    long now = System.nanoTime();
    if (!force && now - lastPrint < 200_000_000L) {
      return;
    }
    lastPrint = now;
    double secs = Math.max(0.001, (now - startNanos) / 1e9);
    double rate = doneBytes / secs;
    long etaSecs = rate > 0 ? (long) ((totalBytes - doneBytes) / rate) : -1;
    err.printf("\r%d/%d files, %s/%s, %s/s, ETA %s   ", doneFiles, totalFiles, human(doneBytes),
        human(totalBytes), human((long) rate), etaSecs < 0 ? "?" : etaSecs + "s");
    err.flush();
    printed = true;
  }

  static String human(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double v = bytes;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format("%.1f %s", v, units[u]);
  }
}
