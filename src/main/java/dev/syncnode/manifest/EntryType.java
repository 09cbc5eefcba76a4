package dev.syncnode.manifest;

import java.util.Locale;

/** The kind of a manifest entry; {@link #wireName()} is the name used in JSON and the contract. */
public enum EntryType {
  FILE,
  DIR,
  SYMLINK;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static EntryType fromWireName(String name) {
    if (name == null) {
      throw new IllegalArgumentException("entry type missing");
    }
    return switch (name) {
      case "file" -> FILE;
      case "dir" -> DIR;
      case "symlink" -> SYMLINK;
      default -> throw new IllegalArgumentException("unknown entry type: " + name);
    };
  }
}
