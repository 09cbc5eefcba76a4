/** Node configuration: the typed config tree, YAML and environment loading, validation and hot reload. */
package dev.syncnode.config;
