package dev.warden.store;

import java.time.Instant;
import java.util.Optional;

/**
 * Results of approved actions passed from the replica that ran them to the replica holding the call
 * that waits for them (an MCP {@code tools/call} held for approval on one replica, approved on
 * another). The log keeps no bodies; these rows do, briefly: taken once (and deleted), or purged
 * when they expire.
 */
public interface ResultHandoffs {

  /** Keeps {@code result} for decision {@code decisionId} until {@code expires}; once. */
  void put(String decisionId, byte[] result, Instant expires) throws StoreException;

  /** Removes and returns the result for {@code decisionId}, if one is kept and not expired. */
  Optional<byte[]> take(String decisionId, Instant now) throws StoreException;

  /** Deletes the results that expired before {@code now}; how many. */
  int purgeExpired(Instant now) throws StoreException;
}
