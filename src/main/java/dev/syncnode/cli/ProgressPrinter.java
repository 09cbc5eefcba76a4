package dev.syncnode.cli;

import dev.syncnode.worker.SyncRun;
import java.io.OutputStream;
import java.io.PrintStream;

/**
 * Prints files and bytes done/total, rate and ETA on one refreshed stderr line (terminals only).
 * Bytes done include those of files still in transfer (and found on disk when one resumes); the rate
 * counts only bytes received in this run. Anything else written to stderr while the line is open (a
 * log line) first ends it, see {@link #guard}.
 */
final class ProgressPrinter implements SyncRun.Progress {
  private final PrintStream err;
  private final long startNanos = System.nanoTime();
  private long totalFiles;
  private long totalBytes;
  private long doneFiles;
  private long doneBytes;
  /** Bytes of files not finished yet; approximate across parallel files, never below zero. */
  private long partialBytes;
  private long receivedBytes;
  private long lastPrint;
  /** A progress line is on screen without its newline. */
  private boolean open;

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
    partialBytes = Math.max(0, partialBytes - bytes);
    print(doneFiles == totalFiles);
  }

  @Override
  public synchronized void partial(long bytes) {
    partialBytes += bytes;
    receivedBytes += bytes;
    print(false);
  }

  /** Ends the progress line, if one is open. */
  synchronized void finish() {
    if (open) {
      err.println();
      open = false;
    }
  }

  /**
   * A stream for everyone else writing to stderr (the log): it ends an open progress line before
   * their text, so a log line never lands in the middle of it.
   */
  PrintStream guard() {
    return new PrintStream(new OutputStream() {
      @Override
      public void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) {
        synchronized (ProgressPrinter.this) {
          finish();
          err.write(b, off, len);
        }
      }

      @Override
      public void flush() {
        err.flush();
      }
    }, true);
  }

  private void print(boolean force) {
    long now = System.nanoTime();
    if (!force && now - lastPrint < 200_000_000L) {
      return;
    }
    lastPrint = now;
    err.print("\r" + line(now) + "   ");
    err.flush();
    open = true;
  }

  /** The progress line for the state now. */
  synchronized String line(long now) {
    double secs = Math.max(0.001, (now - startNanos) / 1e9);
    double rate = receivedBytes / secs;
    long done = Math.min(totalBytes, doneBytes + partialBytes);
    long etaSecs = rate > 0 ? (long) ((totalBytes - done) / rate) : -1;
    return String.format("%d/%d files, %s/%s, %s/s, ETA %s", doneFiles, totalFiles, human(done),
        human(totalBytes), human((long) rate), etaSecs < 0 ? "?" : etaSecs + "s");
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
