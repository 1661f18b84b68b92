/**
 * The storage SPI: what Warden needs from a database, and nothing about how it is done.
 *
 * <p>Implementations (embedded SQLite now, PostgreSQL later) live in {@code warden-store} and pass
 * the same contract tests. The core never assumes a particular database: every state change that
 * must be atomic is one method here, so that an implementation can make it one statement or one
 * transaction.
 */
@NullMarked
package dev.warden.store;

import org.jspecify.annotations.NullMarked;
