package dev.warden.store;

import java.util.List;

/**
 * Everything one group commit writes, in one transaction: the entries with their indexes, the new
 * head, and the state that must become durable with them (nonces, idempotency records, decision
 * references) so that a crash can never keep one without the other.
 */
public record SealedBatch(
    LogHead newHead,
    List<StoredEntry> entries,
    List<NonceRecord> nonces,
    List<IdempotencyRecord> idempotency,
    List<DecisionRef> decisions) {

  public SealedBatch {
    entries = List.copyOf(entries);
    nonces = List.copyOf(nonces);
    idempotency = List.copyOf(idempotency);
    decisions = List.copyOf(decisions);
  }
}
