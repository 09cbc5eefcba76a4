/** Event-bus plumbing: address constants and the local codec that carries message records. */
package dev.syncnode.bus;
