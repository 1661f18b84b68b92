package dev.warden.store;

import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

/**
 * A completed idempotent request: the agent's key, the digest of the request it came with, and the
 * decision it produced (whose response Warden re-renders, byte for byte, on a retry).
 *
 * @param requestDigest SHA-256 of the canonical request body, 32 bytes
 */
public record IdempotencyRecord(
    String agentId, String key, byte[] requestDigest, String decisionId, Instant expiresAt) {

  public IdempotencyRecord {
    Objects.requireNonNull(agentId, "agentId");
    Objects.requireNonNull(key, "key");
    if (requestDigest.length != 32) {
      throw new IllegalArgumentException("request digest is 32 bytes");
    }
    requestDigest = requestDigest.clone();
    Objects.requireNonNull(decisionId, "decisionId");
    Objects.requireNonNull(expiresAt, "expiresAt");
  }

  @Override
  public byte[] requestDigest() {
    return requestDigest.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof IdempotencyRecord r
        && agentId.equals(r.agentId)
        && key.equals(r.key)
        && Arrays.equals(requestDigest, r.requestDigest)
        && decisionId.equals(r.decisionId)
        && expiresAt.equals(r.expiresAt);
  }

  @Override
  public int hashCode() {
    return Objects.hash(agentId, key, decisionId);
  }
}
