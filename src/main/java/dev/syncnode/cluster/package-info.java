/**
 * Cluster mode ({@code -cluster}): nodes join a Hazelcast cluster through vertx-hazelcast and talk
 * over the clustered event bus.
 *
 * <ul>
 *   <li>{@link dev.syncnode.cluster.ClusterSupport}: builds the Hazelcast configuration from
 *       {@code cluster.*} (TCP-IP join, no multicast, no phone-home, no join wait), creates clustered
 *       Vert.x instances and deploys the cluster verticles of a node.
 *   <li>Node registry: every node announces itself ({@link dev.syncnode.cluster.NodeInfo}) in a
 *       clustered map; entries of nodes that are no longer cluster members are never listed and are
 *       pruned on membership changes ({@link dev.syncnode.cluster.NodeRegistryVerticle}).
 *   <li>Master discovery: a worker finds a live master's gRPC and HTTP addresses in the registry
 *       ({@link dev.syncnode.cluster.ClusterMasterLocator}).
 *   <li>Tasks: a master accepts {@code POST /api/tasks}, sends each task over the clustered event bus
 *       to a worker ({@link dev.syncnode.cluster.TaskManagerVerticle}); the worker runs its normal sync
 *       and replies with the report ({@link dev.syncnode.cluster.WorkerTaskVerticle}).
 *   <li>Fleet view: which digest of each spider every worker holds, and workers re-syncing a spider
 *       they hold when the master announces a change ({@link dev.syncnode.cluster.fleet}).
 * </ul>
 *
 * <p>Messages that cross nodes are records with explicit JSON codecs
 * ({@link dev.syncnode.cluster.JsonMessageCodec}); node-local messages stay on local consumers.
 */
package dev.syncnode.cluster;
