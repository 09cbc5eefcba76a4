package dev.syncnode.transport.http.server;

import java.nio.file.Path;
import java.util.function.Consumer;

/** Race tests: runs code between the download's check and hash of a file and the serving of its bytes. */
public final class DownloadHooks {
  private DownloadHooks() {}

  /** Installs {@code hook} (given the served file's real path) until the returned handle is closed. */
  public static AutoCloseable beforeServe(Consumer<Path> hook) {
    DownloadHandler.beforeServe = hook;
    return () -> DownloadHandler.beforeServe = null;
  }
}
