/**
 * Node configuration: the typed config tree, YAML and environment loading, validation and hot reload.
 * Every key is declared once, in {@link dev.syncnode.config.ConfigKeys}.
 */
package dev.syncnode.config;
