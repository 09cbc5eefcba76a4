package dev.syncnode.config;

import java.util.Objects;

/**
 * The node's current configuration. Written by the config loader on a successful (re)load, read by
 * every component per request. A volatile reference: readers never block.
 */
public final class ConfigHolder {
  private volatile NodeConfig current;

  public ConfigHolder(NodeConfig initial) {
    this.current = Objects.requireNonNull(initial);
  }

  public NodeConfig get() {
    return current;
  }

  public void set(NodeConfig next) {
    this.current = Objects.requireNonNull(next);
  }
}
