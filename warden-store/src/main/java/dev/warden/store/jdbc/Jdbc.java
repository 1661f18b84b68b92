package dev.warden.store.jdbc;

import dev.warden.store.StoreException;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * What the JDBC stores (SQLite, PostgreSQL) have in common: work run in a transaction on a write
 * connection, or on a read connection, with SQL errors turned into {@link StoreException}s that
 * name {@code what} was being done. Lets a store whose SQL is the same on both be written once.
 */
public interface Jdbc {

  /** Work on a connection. */
  @FunctionalInterface
  interface Work<T> {
    T run(Connection c) throws SQLException, StoreException;
  }

  /** Runs {@code work} in one write transaction, committed when it returns. */
  <T> T write(String what, Work<T> work) throws StoreException;

  /** Runs {@code work} on a read connection. */
  <T> T read(String what, Work<T> work) throws StoreException;
}
