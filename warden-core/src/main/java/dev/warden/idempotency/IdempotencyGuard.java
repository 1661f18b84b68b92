package dev.warden.idempotency;

import dev.warden.error.ErrorCode;
import dev.warden.error.RequestRejected;
import dev.warden.store.IdempotencyRecord;
import dev.warden.store.LogStore;
import dev.warden.store.StoreException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Idempotency-Key state machine of SPEC §4, per agent. A key is <em>in flight</em> from {@link
 * #begin} until {@link #end} (in memory: a concurrent request with the same key gets 409); once its
 * decision is logged, the {@link IdempotencyRecord} written in the same transaction makes every
 * later request with that key a replay of the stored decision (or a 422 if the body differs).
 */
public final class IdempotencyGuard {
  private record InFlight(String agentId, String key) {}

  private final LogStore store;
  private final int maxKeyLength;
  private final ConcurrentHashMap<InFlight, byte[]> inFlight = new ConcurrentHashMap<>();

  public IdempotencyGuard(LogStore store, int maxKeyLength) {
    this.store = store;
    this.maxKeyLength = maxKeyLength;
  }

  /** The outcome of {@link #begin}: go ahead, or answer with a decision already made. */
  public sealed interface Start {
    /** First use of the key: decide, then call {@link IdempotencyGuard#end}. */
    record Fresh(String agentId, String key) implements Start {}

    /** The key was used before with the same body: answer with that decision. */
    record Replay(String decisionId) implements Start {}
  }

  /**
   * Parses an {@code Idempotency-Key} header value: an RFC 8941 string ({@code "…"}) as in the IETF
   * draft, or, leniently, a bare token of visible ASCII; either way without spaces, quotes or
   * backslashes in the key itself.
   */
  public String parseKey(String header) throws RequestRejected {
    String k = header.strip();
    if (k.length() >= 2 && k.startsWith("\"") && k.endsWith("\"")) {
      k = k.substring(1, k.length() - 1);
    }
    // Checked for both forms: a quote left in a bare token is a malformed sf-string ("abc, or
    // a lone "), not part of a key.
    if (k.indexOf('"') >= 0 || k.indexOf('\\') >= 0) {
      throw invalid(
          "Idempotency-Key must be a string like \"order-1234\" without quotes or backslashes"
              + " inside");
    }
    if (k.isEmpty() || k.length() > maxKeyLength) {
      throw invalid(
          "Idempotency-Key must be 1 to "
              + maxKeyLength
              + " characters (limits.max_idempotency_key_length)");
    }
    for (int i = 0; i < k.length(); i++) {
      char c = k.charAt(i);
      if (c < 0x21 || c > 0x7e) {
        throw invalid("Idempotency-Key must be visible ASCII without spaces");
      }
    }
    return k;
  }

  /**
   * Claims {@code key} for this request.
   *
   * @param requestDigest SHA-256 of the canonical request body
   * @throws RequestRejected {@code idempotency.in_flight} while another request holds the key,
   *     {@code idempotency.key_reused} if the key was used with a different body
   */
  public Start begin(String agentId, String key, byte[] requestDigest, Instant now)
      throws RequestRejected, StoreException {
    InFlight k = new InFlight(agentId, key);
    byte[] other = inFlight.putIfAbsent(k, requestDigest.clone());
    if (other != null) {
      if (!MessageDigest.isEqual(other, requestDigest)) {
        throw reused();
      }
      throw new RequestRejected(
          ErrorCode.IDEMPOTENCY_IN_FLIGHT,
          "a request with this Idempotency-Key is still being processed; retry after it completes");
    }
    try {
      Optional<IdempotencyRecord> done = store.findIdempotency(agentId, key, now);
      if (done.isPresent()) {
        inFlight.remove(k);
        if (!MessageDigest.isEqual(done.get().requestDigest(), requestDigest)) {
          throw reused();
        }
        return new Start.Replay(done.get().decisionId());
      }
    } catch (StoreException | RuntimeException e) {
      inFlight.remove(k);
      throw e;
    }
    return new Start.Fresh(agentId, key);
  }

  /** Releases a key claimed by {@link #begin} (after its decision is durable, or on failure). */
  public void end(Start.Fresh claim) {
    inFlight.remove(new InFlight(claim.agentId(), claim.key()));
  }

  private static RequestRejected reused() {
    return new RequestRejected(
        ErrorCode.IDEMPOTENCY_KEY_REUSED,
        "this Idempotency-Key was used with a different request body; use a new key for a new request");
  }

  private static RequestRejected invalid(String detail) {
    return new RequestRejected(ErrorCode.IDEMPOTENCY_INVALID_KEY, detail);
  }

  /**
   * The digest an Idempotency-Key of {@code POST /v1/actions} is bound to: the request digest and
   * the endpoint, so a key first used to decide cannot be replayed to act (or the other way) — that
   * retry is refused as {@code idempotency.key_reused} rather than answered without acting.
   */
  public static byte[] boundToActions(byte[] requestDigest) {
    byte[] tag = "POST /v1/actions\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    byte[] both = java.util.Arrays.copyOf(tag, tag.length + requestDigest.length);
    System.arraycopy(requestDigest, 0, both, tag.length, requestDigest.length);
    return dev.warden.crypto.Digests.sha256(both);
  }
}
