package dev.warden.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Operator and agent bearer tokens, stored as hashes. */
public interface TokenStore {

  /**
   * @throws StoreException {@code CONFLICT} if the id or the hash exists, {@code NOT_FOUND} if an
   *     agent token names no registered agent
   */
  void create(TokenRecord token) throws StoreException;

  /**
   * The token whose SHA-256 is {@code hash}, revoked or expired ones included (the caller decides).
   * Looking up by the hash of a 256-bit random value leaks nothing useful through timing.
   */
  Optional<TokenRecord> findByHash(byte[] hash) throws StoreException;

  /** All tokens, ordered by creation time. */
  List<TokenRecord> list() throws StoreException;

  /**
   * Marks the token revoked; revoking twice changes nothing.
   *
   * @throws StoreException {@code NOT_FOUND} without such a token
   */
  void revoke(String id, Instant at) throws StoreException;
}
