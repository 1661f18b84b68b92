package dev.warden.store;

import java.time.Duration;

/**
 * This process among the Warden replicas that share one database (SPEC §18). Each opened store is
 * one replica, with an id of its own (random, new at every start); it is recorded as the owner of
 * every execution the replica starts. A replica proves it is alive by renewing a lease ({@link
 * #heartbeat}) every {@link #HEARTBEAT}; a replica whose lease is older than {@link #LEASE} is
 * dead, and its in-flight executions are orphans ({@link ExecutionStore#orphaned}) that any live
 * replica records as {@code outcome_unknown}.
 */
public interface ReplicaStore {
  /** How often a replica renews its lease. */
  Duration HEARTBEAT = Duration.ofSeconds(2);

  /**
   * How old a lease may be before its replica counts as dead: five heartbeats, so a replica that
   * misses a few (a GC pause, a slow database) keeps its executions. Liveness is judged by the
   * database's clock, so clock skew between replicas does not move it.
   */
  Duration LEASE = HEARTBEAT.multipliedBy(5);

  /** This replica's id: random, new every time a store is opened. */
  String self();

  /** Renews this replica's lease now. */
  void heartbeat() throws StoreException;
}
