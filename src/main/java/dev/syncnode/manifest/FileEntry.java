package dev.syncnode.manifest;

/**
 * One entry of a manifest.
 *
 * @param path relative, '/'-separated, normalised path inside the spider root
 * @param type file, dir or symlink
 * @param size content size in bytes (files; 0 otherwise)
 * @param mode permission bits (e.g. 0755)
 * @param mtime last modification time in ms since the epoch
 * @param hash SHA-256 hex of the content (files only, else empty)
 * @param target link target relative to the link's directory (symlinks only, else empty)
 */
public record FileEntry(
    String path, EntryType type, long size, int mode, long mtime, String hash, String target) {

  public FileEntry {
    hash = hash == null ? "" : hash;
    target = target == null ? "" : target;
  }

  public static FileEntry file(String path, long size, int mode, long mtime, String hash) {
    return new FileEntry(path, EntryType.FILE, size, mode, mtime, hash, "");
  }

  public static FileEntry dir(String path, int mode, long mtime) {
    return new FileEntry(path, EntryType.DIR, 0, mode, mtime, "", "");
  }

  public static FileEntry symlink(String path, String target, long mtime) {
    return new FileEntry(path, EntryType.SYMLINK, 0, 0777, mtime, "", target);
  }

  public boolean isFile() {
    return type == EntryType.FILE;
  }

  public boolean isDir() {
    return type == EntryType.DIR;
  }

  /** Same content and kind: what must be transferred again when it differs. */
  public boolean sameContent(FileEntry other) {
    return type == other.type
        && size == other.size
        && hash.equals(other.hash)
        && target.equals(other.target);
  }
}
