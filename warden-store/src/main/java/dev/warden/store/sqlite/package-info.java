/**
 * The storage SPI on embedded SQLite: one database file in WAL mode, one writer connection that
 * every write transaction queues for (the log's group commit among them), and a few read-only
 * connections so that reads never wait behind a commit.
 *
 * <p>Durability: {@code synchronous=FULL}, so a transaction that returned has been fsynced to the
 * write-ahead log. One process at a time: {@link dev.warden.store.sqlite.SqliteStore#open} takes an
 * exclusive lock on {@code <database>.lock}.
 */
@NullMarked
package dev.warden.store.sqlite;

import org.jspecify.annotations.NullMarked;
