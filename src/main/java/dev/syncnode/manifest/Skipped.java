package dev.syncnode.manifest;

/**
 * An entry the master left out of a manifest because no worker could take it (a name the path rules
 * refuse, bytes that are not valid in the name encoding, a path too long). The rest of the spider is
 * served; the name travels, escaped for display only, so operators can rename the file. A regular
 * file with several hard links is left out too: its other names may lie outside the spider.
 *
 * @param path the entry's path relative to the spider root, escaped with {@link PathRules#escape}
 * @param reason {@link #ILLEGAL_NAME}, {@link #UNDECODABLE_NAME}, {@link #TOO_LONG} or {@link #HARD_LINK}
 */
public record Skipped(String path, String reason) {
  /** The name holds a character the path rules refuse (control, DEL, backslash, drive prefix). */
  public static final String ILLEGAL_NAME = "illegal_name";
  /** The name's bytes do not decode in the platform's name encoding (e.g. invalid UTF-8). */
  public static final String UNDECODABLE_NAME = "undecodable_name";
  /** The path is longer than the path rules or the operating system allow. */
  public static final String TOO_LONG = "too_long";
  /** A regular file with more than one hard link: the master serves no file it cannot confine. */
  public static final String HARD_LINK = "hard_link";
  /** Most skipped entries a scan answer lists by name (it counts them all). */
  public static final int MAX_LISTED = 100;
}
