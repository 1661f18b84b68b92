package dev.warden.limits;

import dev.warden.json.JsonLimits;
import java.time.Duration;
import java.util.Objects;

/**
 * Every limit Warden enforces on agent requests, in one immutable value. Defaults are those of SPEC
 * §3–5; each has a setting name (under {@code limits:} in {@code warden.yaml}) that error messages
 * quote so that a refused client knows what to change.
 *
 * @param json body size, nesting depth and sizes inside the JSON body
 * @param maxHeaderBytes total size of the request line and headers ({@code
 *     limits.max_header_bytes})
 * @param maxHeaderCount number of header field lines ({@code limits.max_header_count})
 * @param clockSkew how far in the future {@code created} may be ({@code limits.clock_skew})
 * @param maxSignatureAge how old {@code created} may be ({@code limits.max_signature_age})
 * @param idempotencyRetention how long an Idempotency-Key is remembered ({@code
 *     limits.idempotency_retention})
 * @param maxIdempotencyKeyLength longest Idempotency-Key accepted ({@code
 *     limits.max_idempotency_key_length})
 * @param refusalSummaryInterval how often pre-authentication refusals are summarised into one log
 *     entry per reason and source ({@code limits.refusal_summary_interval})
 * @param maxRefusalSources distinct (reason, source) pairs counted per interval before the rest are
 *     counted under source {@code "other"} ({@code limits.max_refusal_sources})
 * @param warrantTtl how long an allow decision's receipt is valid as a warrant for a downstream
 *     executor: its entry's {@code expires} ({@code limits.warrant_ttl})
 */
public record Limits(
    JsonLimits json,
    int maxHeaderBytes,
    int maxHeaderCount,
    Duration clockSkew,
    Duration maxSignatureAge,
    Duration idempotencyRetention,
    int maxIdempotencyKeyLength,
    Duration refusalSummaryInterval,
    int maxRefusalSources,
    Duration warrantTtl) {

  public Limits {
    Objects.requireNonNull(json, "json");
    positive(maxHeaderBytes, "limits.max_header_bytes");
    positive(maxHeaderCount, "limits.max_header_count");
    nonNegative(clockSkew, "limits.clock_skew");
    positive(maxSignatureAge, "limits.max_signature_age");
    positive(idempotencyRetention, "limits.idempotency_retention");
    positive(maxIdempotencyKeyLength, "limits.max_idempotency_key_length");
    positive(refusalSummaryInterval, "limits.refusal_summary_interval");
    positive(maxRefusalSources, "limits.max_refusal_sources");
    positive(warrantTtl, "limits.warrant_ttl");
  }

  /**
   * SPEC defaults: 1 MiB bodies, depth 32, 30 s skew, 300 s max age, 24 h idempotency, warrants
   * valid for 5 minutes.
   */
  public static Limits defaults() {
    return new Limits(
        JsonLimits.defaults(),
        16 * 1024,
        100,
        Duration.ofSeconds(30),
        Duration.ofSeconds(300),
        Duration.ofHours(24),
        255,
        Duration.ofSeconds(10),
        1_000,
        Duration.ofMinutes(5));
  }

  private static void positive(int v, String setting) {
    if (v <= 0) {
      throw new IllegalArgumentException(setting + " must be positive, was " + v);
    }
  }

  private static void positive(Duration d, String setting) {
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(setting + " must be positive, was " + d);
    }
  }

  private static void nonNegative(Duration d, String setting) {
    if (d.isNegative()) {
      throw new IllegalArgumentException(setting + " must not be negative, was " + d);
    }
  }
}
