/**
 * The manifest model and the pure logic around it: entries, the manifest digest, path confinement
 * rules, ignore rules and the worker-side diff. No Vert.x and no I/O here, so all of it is
 * unit-tested directly.
 */
package dev.syncnode.manifest;
