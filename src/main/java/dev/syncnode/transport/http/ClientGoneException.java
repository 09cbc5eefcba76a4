package dev.syncnode.transport.http;

/** The client closed its connection while its request waited: nothing is left to answer. */
public final class ClientGoneException extends RuntimeException {
  public ClientGoneException() {
    super("client closed the connection", null, false, false);
  }
}
