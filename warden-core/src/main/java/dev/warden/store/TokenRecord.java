package dev.warden.store;

import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * An operator token as stored: never the token itself, only its SHA-256.
 *
 * @param id public identifier of the token (for listing and revocation), not secret
 * @param subject the person or service the token speaks for; recorded on everything it does
 * @param scopes lower-case scope names ({@code admin}, {@code approver}, {@code auditor}, {@code
 *     metrics})
 * @param hash SHA-256 of the token's bytes, 32 bytes
 */
public record TokenRecord(
    String id,
    String subject,
    Set<String> scopes,
    byte[] hash,
    Instant createdAt,
    @Nullable Instant expiresAt,
    @Nullable Instant revokedAt) {

  public TokenRecord {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(subject, "subject");
    scopes = Set.copyOf(scopes);
    if (hash.length != 32) {
      throw new IllegalArgumentException("a token hash is 32 bytes");
    }
    hash = hash.clone();
    Objects.requireNonNull(createdAt, "createdAt");
  }

  @Override
  public byte[] hash() {
    return hash.clone();
  }

  /** Usable at {@code now}: not revoked and not expired. */
  public boolean activeAt(Instant now) {
    return revokedAt == null && (expiresAt == null || now.isBefore(expiresAt));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TokenRecord t
        && id.equals(t.id)
        && subject.equals(t.subject)
        && scopes.equals(t.scopes)
        && Arrays.equals(hash, t.hash)
        && createdAt.equals(t.createdAt)
        && Objects.equals(expiresAt, t.expiresAt)
        && Objects.equals(revokedAt, t.revokedAt);
  }

  @Override
  public int hashCode() {
    return id.hashCode();
  }

  @Override
  public String toString() {
    return "TokenRecord[" + id + ", " + subject + ", " + scopes + "]";
  }
}
