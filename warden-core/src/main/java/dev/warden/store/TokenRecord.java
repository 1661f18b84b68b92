package dev.warden.store;

import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A bearer token as stored: never the token itself, only its SHA-256. An operator token speaks for
 * a person or service ({@code agentId} null); an agent token speaks for one registered agent, on
 * the MCP gateway only: its scopes are exactly {@code {"mcp"}} and no operator token has that
 * scope.
 *
 * @param id public identifier of the token (for listing and revocation), not secret
 * @param subject the person or service the token speaks for; recorded on everything it does (the
 *     agent id for an agent token)
 * @param scopes lower-case scope names ({@code admin}, {@code approver}, {@code auditor}, {@code
 *     metrics}; {@code mcp} for agent tokens)
 * @param hash SHA-256 of the token's bytes, 32 bytes
 * @param agentId the agent an agent token speaks for; null for an operator token
 */
public record TokenRecord(
    String id,
    String subject,
    Set<String> scopes,
    byte[] hash,
    Instant createdAt,
    @Nullable Instant expiresAt,
    @Nullable Instant revokedAt,
    @Nullable String agentId) {

  /** The only scope of an agent token. */
  public static final String AGENT_SCOPE = "mcp";

  public TokenRecord {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(subject, "subject");
    scopes = Set.copyOf(scopes);
    if (hash.length != 32) {
      throw new IllegalArgumentException("a token hash is 32 bytes");
    }
    hash = hash.clone();
    Objects.requireNonNull(createdAt, "createdAt");
    if (agentId != null && !scopes.equals(Set.of(AGENT_SCOPE))) {
      throw new IllegalArgumentException("an agent token has exactly the scope " + AGENT_SCOPE);
    }
    if (agentId == null && scopes.contains(AGENT_SCOPE)) {
      throw new IllegalArgumentException("the " + AGENT_SCOPE + " scope is for agent tokens only");
    }
  }

  /** An operator token: one that speaks for no agent. */
  public TokenRecord(
      String id,
      String subject,
      Set<String> scopes,
      byte[] hash,
      Instant createdAt,
      @Nullable Instant expiresAt,
      @Nullable Instant revokedAt) {
    this(id, subject, scopes, hash, createdAt, expiresAt, revokedAt, null);
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
        && Objects.equals(revokedAt, t.revokedAt)
        && Objects.equals(agentId, t.agentId);
  }

  @Override
  public int hashCode() {
    return id.hashCode();
  }

  @Override
  public String toString() {
    return "TokenRecord["
        + id
        + ", "
        + subject
        + ", "
        + scopes
        + (agentId == null ? "" : ", agent " + agentId)
        + "]";
  }
}
