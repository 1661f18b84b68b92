package dev.warden.store;

import java.time.Instant;
import java.util.Objects;

/**
 * A nonce an agent has used, kept until {@code expiresAt}, after which a request carrying it would
 * be refused as stale anyway.
 */
public record NonceRecord(String agentId, String nonce, Instant expiresAt) {
  public NonceRecord {
    Objects.requireNonNull(agentId, "agentId");
    Objects.requireNonNull(nonce, "nonce");
    Objects.requireNonNull(expiresAt, "expiresAt");
  }
}
