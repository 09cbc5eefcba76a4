package dev.syncnode.worker;

import dev.syncnode.fs.Scanner;
import dev.syncnode.manifest.FileEntry;
import dev.syncnode.manifest.IgnoreRules;
import dev.syncnode.manifest.Manifest;
import dev.syncnode.manifest.ManifestDiff;
import dev.syncnode.transport.TransportException.Kind;
import dev.syncnode.transport.TransportException;
import dev.syncnode.worker.apply.DeletePlan;
import dev.syncnode.worker.apply.InstalledSet;
import dev.syncnode.worker.apply.LocalState;
import dev.syncnode.worker.fetch.Partials;
import dev.syncnode.worker.fetch.Staging;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The plan phase of a sync: the local tree as scanned and what to do to it.
 *
 * @param remotePaths every path of the master's manifest
 * @param installed what earlier syncs installed, as far as known (see {@link InstalledSet#load})
 * @param kept local paths the master lacks that no sync installed: left alone
 */
record LocalTree(Manifest manifest, ManifestDiff diff, Set<String> remotePaths, Set<String> installed,
    List<String> kept) {

  /**
   * Blocking: creates the temp area, scans and diffs, and cleans stale temp files (keeping resumable
   * ones). Call with the destination lock held.
   */
  static LocalTree plan(Path dest, Path tmpDir, String spiderId, Manifest remote, Scanner scanner,
      IgnoreRules ignore, LocalState.State stored) {
    String operation = "creating the temp area " + tmpDir;
    try {
      Files.createDirectories(tmpDir);
      operation = "reading the destination";
      Scanner.Result local = scanner.scan(spiderId, dest, "", ignore);
      Set<String> remotePaths = new HashSet<>(remote.entries().size() * 2);
      remote.entries().forEach(e -> remotePaths.add(e.path()));
      ManifestDiff full = ManifestDiff.compute(remote.entries(), local.manifest().entries());
      Set<String> installed = InstalledSet.load(dest, stored, DeletePlan.dropped(full, remotePaths));
      DeletePlan plan = DeletePlan.of(full, remotePaths, installed);
      Set<String> keep = new HashSet<>();
      for (FileEntry f : plan.diff().downloads()) {
        keep.add(Staging.partName(f.hash()));
      }
      operation = "cleaning the temp area " + tmpDir;
      Partials.prune(tmpDir, keep, Partials.MAX_BYTES, Partials.MAX_AGE, Instant.now());
      return new LocalTree(local.manifest(), plan.diff(), remotePaths, installed, plan.kept());
    } catch (IOException e) {
      throw new TransportException(Kind.LOCAL_IO, IoReason.describe("prepare", dest, operation, e), e);
    }
  }
}
