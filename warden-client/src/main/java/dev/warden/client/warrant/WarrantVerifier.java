package dev.warden.client.warrant;

import static java.util.Objects.requireNonNull;

import dev.warden.client.warrant.WarrantException.Reason;
import dev.warden.httpsig.SignatureAlgorithms;
import dev.warden.httpsig.SignatureException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Verifies warrants for a downstream executor: the receipt JWS ({@code receipt.jws}) of an allow
 * decision made with the {@code none} adapter, presented with the request it allows. {@link
 * #verify} returns only if Warden signed an allow decision for exactly that request body, the
 * warrant is within its validity, and it was not used before at this executor (per the {@link
 * UsedWarrants} store); it then records the use. Thread-safe when its store is (both built-in
 * stores are).
 *
 * <p>It does not check the receipt's log inclusion proof ({@code receipt.proof}, see {@code warden
 * verify}); it trusts the receipt key alone, as the warrant's signature.
 */
public final class WarrantVerifier {
  /** Clock skew allowed between Warden and the executor unless another is given: 30 seconds. */
  public static final Duration DEFAULT_SKEW = Duration.ofSeconds(30);

  /** Largest clock skew accepted: 10 minutes. */
  public static final Duration MAX_SKEW = Duration.ofMinutes(10);

  private final WarrantKeys keys;
  private final Clock clock;
  private final Duration skew;
  private final UsedWarrants used;

  /** A verifier allowing {@link #DEFAULT_SKEW}. */
  public WarrantVerifier(WarrantKeys keys, Clock clock, UsedWarrants used) {
    this(keys, clock, DEFAULT_SKEW, used);
  }

  /**
   * @param keys Warden's receipt keys
   * @param clock the executor's clock; give {@code used} the same one
   * @param skew how far Warden's clock may be from {@code clock}, from zero to {@link #MAX_SKEW}
   * @param used where uses are recorded; share one store among all verifiers of an executor
   * @throws IllegalArgumentException if {@code skew} is negative or above {@link #MAX_SKEW}
   */
  public WarrantVerifier(WarrantKeys keys, Clock clock, Duration skew, UsedWarrants used) {
    if (skew.isNegative() || skew.compareTo(MAX_SKEW) > 0) {
      throw new IllegalArgumentException(
          "clock skew " + skew + " is not between zero and " + MAX_SKEW);
    }
    this.keys = requireNonNull(keys, "keys");
    this.clock = requireNonNull(clock, "clock");
    this.skew = skew;
    this.used = requireNonNull(used, "used");
  }

  /**
   * Verifies {@code compactJws} as the warrant for {@code requestBody} and records its use. Checks,
   * in order: the JWS structure and header ({@code MALFORMED}, {@code BAD_ALGORITHM}); its {@code
   * kid} ({@code UNKNOWN_KEY}); the Ed25519 signature ({@code BAD_SIGNATURE}); the payload, a
   * decision entry ({@code MALFORMED}, {@code NOT_A_DECISION}), allowed ({@code NOT_ALLOWED}), with
   * an {@code expires} ({@code NO_EXPIRY}); the body's canonical digest against {@code
   * request_digest} ({@code DIGEST_MISMATCH}); now ≤ {@code expires} + skew ({@code EXPIRED});
   * {@code ts} ≤ now + skew ({@code NOT_YET_VALID}); and last, only when all passed, the single use
   * ({@code ALREADY_USED}).
   *
   * <p>The warrant is spent when this returns, before the executor acts: if the action then fails,
   * ask Warden for a new decision.
   *
   * @param compactJws the receipt's {@code jws}
   * @param requestBody the request body exactly as the agent sent it to Warden (any JSON
   *     formatting; it is compared in canonical form). Act on this body and nothing else.
   * @return the facts of the allowed request
   * @throws WarrantException if any check fails; nothing is recorded then
   * @throws java.io.UncheckedIOException if the store cannot record the use; the warrant must then
   *     be treated as refused (it may or may not have been recorded)
   * @throws IllegalStateException if the store is closed or full
   */
  public VerifiedWarrant verify(String compactJws, byte[] requestBody) throws WarrantException {
    CompactJws.Parts jws = CompactJws.parse(compactJws);
    verifySignature(jws);
    WarrantPayload payload = WarrantPayload.read(jws.payload());
    RequestDigest.check(payload.requestDigest(), requestBody);
    VerifiedWarrant warrant = payload.warrant();
    Instant now = clock.instant();
    if (now.isAfter(warrant.expires().plus(skew))) {
      throw new WarrantException(
          Reason.EXPIRED,
          "the warrant expired at " + warrant.expires() + " (now " + now + ", skew " + skew + ")");
    }
    if (payload.ts().isAfter(now.plus(skew))) {
      throw new WarrantException(
          Reason.NOT_YET_VALID,
          "the decision is dated " + payload.ts() + ", after now " + now + " plus skew " + skew);
    }
    // Kept until the last instant this verifier could still accept the warrant.
    if (!used.markUsed(warrant.decisionId(), warrant.expires().plus(skew))) {
      throw new WarrantException(
          Reason.ALREADY_USED, "the warrant of decision " + warrant.decisionId() + " was used");
    }
    return warrant;
  }

  private void verifySignature(CompactJws.Parts jws) throws WarrantException {
    byte[] key = keys.publicKey(jws.kid());
    if (key == null) {
      throw new WarrantException(
          Reason.UNKNOWN_KEY, "JWS kid " + jws.kid() + " is not a key of the JWKS");
    }
    try {
      SignatureAlgorithms.verifyEd25519(key, jws.signingInput(), jws.signature());
    } catch (SignatureException e) {
      throw new WarrantException(
          Reason.BAD_SIGNATURE, "JWS signature by kid " + jws.kid() + " does not verify");
    }
  }
}
