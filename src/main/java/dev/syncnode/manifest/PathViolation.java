package dev.syncnode.manifest;

/** A spider id or path that is malformed or would escape its root. Maps to INVALID_ARGUMENT / 400. */
public class PathViolation extends IllegalArgumentException {
  public PathViolation(String message) {
    super(message);
  }
}
