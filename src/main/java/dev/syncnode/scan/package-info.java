/**
 * Master-side directory scanning: the walker with its hash memo, file hashing, spider path
 * resolution with confinement checks, and the scanner verticle that runs walks off the event loop.
 */
package dev.syncnode.scan;
