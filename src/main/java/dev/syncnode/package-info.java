/** syncnode: spider directory sync between a master and workers. {@link dev.syncnode.Main} is the entry point. */
package dev.syncnode;
