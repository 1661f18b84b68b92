package dev.warden.store;

import java.time.Instant;
import java.util.Optional;

/**
 * The text of every policy Warden has activated, by policy hash, so that a past decision can be
 * explained with the policy that made it. The log holds the same text in each {@code policy} entry;
 * this is its index. Texts are only added, never changed or removed. And which policy is active:
 * the one every Warden on the database (replicas) follows.
 */
public interface PolicyStore {

  /**
   * Keeps {@code text} under {@code hash}, saved for an activation at {@code at}; keeping the same
   * pair again changes only that time.
   *
   * @param hash {@code sha256:} and 64 lower-case hex digits of the policy's canonical JSON
   * @throws StoreException {@code CONFLICT} if {@code hash} is kept with another text (the caller
   *     computed a wrong hash, or the database was edited)
   */
  void save(String hash, String text, Instant at) throws StoreException;

  /** The text kept under {@code hash}. */
  Optional<String> text(String hash) throws StoreException;

  /**
   * Makes the policy kept under {@code hash} the active one (the last call wins).
   *
   * @throws StoreException {@code CONFLICT} if no text is kept under {@code hash}
   */
  void activate(String hash, Instant at) throws StoreException;

  /** The hash of the active policy; empty before the first activation. */
  Optional<String> activeHash() throws StoreException;

  /**
   * Whether the last {@link #save} of {@code hash} came after the active policy was activated: an
   * activation of it began (and was maybe logged) but did not finish. False for an unknown hash.
   */
  boolean savedSinceActivation(String hash) throws StoreException;
}
