package dev.warden.store.contract;

import dev.warden.store.AgentKey;
import dev.warden.store.AgentRecord;
import dev.warden.store.AgentStatus;
import dev.warden.store.IdempotencyRecord;
import dev.warden.store.KeyAlgorithm;
import dev.warden.store.NonceRecord;
import dev.warden.store.TokenRecord;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** Test data for the contract: fixed instants, agents, keys, tokens and log records. */
public final class Fixtures {
  /** A moment far ahead of the real clock: records expiring around it are live for the store. */
  public static final Instant FUTURE = Instant.parse("2100-01-01T00:00:00Z");

  /** A moment long past: records expiring then have expired for the store. */
  public static final Instant PAST = Instant.parse("2000-01-01T00:00:00Z");

  private Fixtures() {}

  public static Instant at(long secondsAfterFuture) {
    return FUTURE.plusSeconds(secondsAfterFuture);
  }

  /** SHA-256 of the text, for token hashes and request digests. */
  public static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  /** 32 bytes derived from the key id: an Ed25519 public key as far as the store can tell. */
  public static AgentKey ed25519(String keyId, Instant createdAt) {
    return new AgentKey(keyId, KeyAlgorithm.ED25519, sha256("key:" + keyId), createdAt, null);
  }

  public static AgentKey hmac(String keyId, Instant createdAt) {
    byte[] secret = new byte[48];
    System.arraycopy(sha256("secret:" + keyId), 0, secret, 0, 32);
    System.arraycopy(sha256("more:" + keyId), 0, secret, 32, 16);
    return new AgentKey(keyId, KeyAlgorithm.HMAC_SHA256, secret, createdAt, null);
  }

  public static AgentRecord agent(String id, AgentKey... keys) {
    return new AgentRecord(
        id,
        "tenant-1",
        AgentStatus.ACTIVE,
        Map.of("team", "payments", "env", "test"),
        List.of(keys),
        at(0),
        at(0));
  }

  public static TokenRecord token(String id, Instant createdAt, @Nullable Instant expiresAt) {
    return new TokenRecord(
        id,
        "alice@example.com",
        Set.of("admin", "auditor"),
        sha256("token:" + id),
        createdAt,
        expiresAt,
        null);
  }

  public static NonceRecord nonce(String agentId, String nonce, Instant expiresAt) {
    return new NonceRecord(agentId, nonce, expiresAt);
  }

  public static IdempotencyRecord idempotency(
      String agentId, String key, String decisionId, Instant expiresAt) {
    return new IdempotencyRecord(agentId, key, sha256("request:" + key), decisionId, expiresAt);
  }
}
