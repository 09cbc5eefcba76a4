/** The command line: the one-shot {@code sync} subcommand and its progress display. */
package dev.syncnode.cli;
