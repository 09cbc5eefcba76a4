package dev.syncnode;

/** Stands in for dev.syncnode.cli.SyncCommand in MainTest. */
public final class FakeSyncCommand {
  static volatile String[] lastArgs;

  private FakeSyncCommand() {}

  public static int main(String[] args) {
    lastArgs = args;
    return 7;
  }
}
