package dev.syncnode.master.scan;

import java.util.List;

/**
 * The files one round of a download finished, told to the scan cache in one message: one event-bus
 * request per round instead of one per file (a round of small files finishes hundreds).
 */
public record ServedFiles(List<ServedFile> files) {
  public ServedFiles {
    files = List.copyOf(files);
  }
}
