package dev.syncnode.master.content;

import dev.syncnode.fs.FileHasher;
import dev.syncnode.master.SpiderFiles;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * SHA-256 of served files, for the download {@code ETag}, read from the open file that is then served.
 * Hashing runs on a worker thread; the memo
 * (keyed by {@link FileFacts}, so a changed file is hashed again) lives on the HTTP verticle's event
 * loop and holds completed and in-flight hashes, so N workers fetching the same file at once cause
 * one hash. A file that changes while it is hashed is not memoised. Bounded (LRU).
 */
public final class ContentHashes {
  static final int MAX_ENTRIES = 4096;

  private final Vertx vertx;
  private final Map<FileFacts, Future<String>> memo = new LinkedHashMap<>(256, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<FileFacts, Future<String>> eldest) {
      return size() > MAX_ENTRIES;
    }
  };

  public ContentHashes(Vertx vertx) {
    this.vertx = vertx;
  }

  /** A hash and whether the file stayed the same while it was read. */
  private record Hashed(String hash, boolean stable) {}

  /** Call on the event loop; {@code file} (whose version {@code facts} describes) stays open until this completes. */
  public Future<String> hash(FileFacts facts, SpiderFiles.OpenFile file) {
    Future<String> known = memo.get(facts);
    if (known != null) {
      return known;
    }
    Future<Hashed> hashing = vertx.executeBlocking(() -> {
      String hash = FileHasher.sha256(file.channel());
      return new Hashed(hash, FileFacts.of(facts.path(), file.current()).equals(facts));
    }, false);
    Future<String> hash = hashing.map(Hashed::hash);
    memo.put(facts, hash);
    hashing.onComplete(ar -> {
      if (ar.failed() || !ar.result().stable()) {
        memo.remove(facts, hash);
      }
    });
    return hash;
  }
}
