/**
 * The storage SPI on PostgreSQL, for several Warden replicas sharing one database (SPEC §18): a
 * small connection pool per replica, every atomic change one transaction, and cross-replica
 * correctness from the database itself — unique constraints for nonces and idempotency keys,
 * conditional upserts for budget counters, state-conditional updates for approvals and executions,
 * and a row lock on the log head that puts every replica's batches into one sequence.
 */
@NullMarked
package dev.warden.store.postgresql;

import org.jspecify.annotations.NullMarked;
