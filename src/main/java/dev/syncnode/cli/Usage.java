package dev.syncnode.cli;

/** The jar's command-line help: the node, the {@code sync} command and the environment overrides. */
public final class Usage {
  private Usage() {}

  public static String text() {
    return """
        Usage:
          java -jar node.jar [-conf FILE] [-cluster] [launcher options]
              Runs a node: master or worker, as node.role says.
              -conf FILE      the config file (YAML, e.g. conf/config.yml), or a JSON file or inline JSON
                              object; without -conf: the defaults plus environment overrides
              -cluster        join the cluster (see the cluster.* keys)
              Other Vert.x launcher options (-options, -instances, -cluster-host, -cluster-port, ...)
              are passed on. An invalid config is reported as "invalid config: KEY: problem", exit 1.

          java -jar node.jar sync --master HOST:PORT --spider ID --dest DIR [options]
              Runs one sync and exits: 0 on success, 1 on failure, 2 on a usage error.
              The last line on stdout is the JSON report.
              --master HOST:PORT   the master's gRPC address
              --spider ID          the spider to sync
              --dest DIR           the directory to mirror the spider into
              --master-http URL    the master's HTTP base URL, for the HTTP fallback
                                   (e.g. http://127.0.0.1:8000)
              --http-only          use HTTP only, never gRPC
              --token T            the auth token to present to the master
              --ca FILE            talk TLS to the master, trusting the CA certificate(s) in this PEM file
              --tls                talk TLS to the master, trusting the JVM's default CAs
              --force              sync into a non-empty DIR that syncnode never synced (the master's
                                   paths are replaced, every other file is kept)
              --json               print only the JSON report
              --quiet              no progress output
              --help               help for sync

          java -jar node.jar version   prints the version
          java -jar node.jar selfcheck starts a master and a worker in one process on loopback ports,
                                       syncs a generated spider over gRPC and HTTP and verifies it
          java -jar node.jar --help    prints this help

        Configuration:
          Every config key can be overridden by an environment variable: SYNCNODE_ + the key path
          upper-cased and joined by _ , e.g. SYNCNODE_HTTP_PORT=8001, SYNCNODE_SYNC_USEGRPC=false,
          SYNCNODE_SYNC_HTTP_QUEUESIZE=50, SYNCNODE_NODE_ROLE=worker, SYNCNODE_AUTH_TOKEN=secret;
          lists comma-separated: SYNCNODE_SYNC_IGNORE=.git/,*.tmp
          Precedence: environment, then the file, then the defaults. Durations: 250ms, 60s, 5m, 1h.
          While running, changes to sync.* and auth.token in the file are applied within a few
          seconds; other keys need a restart.
        """;
  }
}
