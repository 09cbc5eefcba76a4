/**
 * Making a destination match a manifest: the atomic local apply, the state of the last sync, the
 * installed set (what a sync may delete), the per-destination lock and the destination watcher.
 */
package dev.syncnode.worker.apply;
