package dev.warden.store;

import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * One key of an agent. {@code material} is the raw Ed25519 public key, or the HMAC secret for
 * {@link KeyAlgorithm#HMAC_SHA256} — which is why this record never prints it.
 *
 * @param keyId unique within the agent, {@code ^[a-z0-9][a-z0-9._-]{0,63}$}
 * @param revokedAt when the key was revoked, or null while it is usable
 */
public record AgentKey(
    String keyId,
    KeyAlgorithm algorithm,
    byte[] material,
    Instant createdAt,
    @Nullable Instant revokedAt) {

  public static final Pattern KEY_ID = Pattern.compile("^[a-z0-9][a-z0-9._-]{0,63}$");

  public AgentKey {
    Objects.requireNonNull(algorithm, "algorithm");
    Objects.requireNonNull(createdAt, "createdAt");
    if (!KEY_ID.matcher(keyId).matches()) {
      throw new IllegalArgumentException("key id must match " + KEY_ID.pattern());
    }
    material = material.clone();
    if (algorithm == KeyAlgorithm.ED25519 && material.length != 32) {
      throw new IllegalArgumentException("an Ed25519 public key is 32 bytes");
    }
    if (algorithm == KeyAlgorithm.HMAC_SHA256 && material.length < 32) {
      throw new IllegalArgumentException("an HMAC-SHA256 secret is at least 32 bytes");
    }
  }

  @Override
  public byte[] material() {
    return material.clone();
  }

  public boolean revoked() {
    return revokedAt != null;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AgentKey k
        && keyId.equals(k.keyId)
        && algorithm == k.algorithm
        && Arrays.equals(material, k.material)
        && createdAt.equals(k.createdAt)
        && Objects.equals(revokedAt, k.revokedAt);
  }

  @Override
  public int hashCode() {
    return Objects.hash(keyId, algorithm, createdAt);
  }

  @Override
  public String toString() {
    return "AgentKey[" + keyId + ", " + algorithm.wire() + (revoked() ? ", revoked" : "") + "]";
  }
}
