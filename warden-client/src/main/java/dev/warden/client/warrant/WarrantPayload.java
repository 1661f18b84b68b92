package dev.warden.client.warrant;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warden.client.warrant.WarrantException.Reason;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

/**
 * The signed payload of a warrant: a {@code decision} entry (LOG-FORMAT.md) plus {@code log_index}
 * and {@code log_origin}, read strictly. Members this does not need ({@code reasons}, {@code
 * matched}, {@code params}…) are not checked.
 *
 * @param warrant the facts handed to the executor
 * @param requestDigest {@code sha256:} + 64 lowercase hex digits
 * @param ts when Warden decided
 */
record WarrantPayload(VerifiedWarrant warrant, String requestDigest, Instant ts) {

  private static final int MAX_BYTES = CompactJws.MAX_LENGTH;
  private static final Pattern ULID = Pattern.compile("[0-7][0-9A-HJKMNP-TV-Z]{25}");
  private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");
  // RFC 3339 UTC with milliseconds, as Warden writes ts; Instant.parse then checks the ranges.
  private static final Pattern TIMESTAMP =
      Pattern.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-5][0-9]:[0-5][0-9]\\.[0-9]{3}Z");

  /**
   * Reads the payload of a JWS whose signature verified.
   *
   * @throws WarrantException {@code MALFORMED}, {@code NOT_A_DECISION}, {@code NOT_ALLOWED} or
   *     {@code NO_EXPIRY}
   */
  static WarrantPayload read(byte[] payload) throws WarrantException {
    JsonNode p = StrictJson.parse(payload, MAX_BYTES, "JWS payload", Reason.MALFORMED);
    if (!p.isObject()) {
      throw WarrantException.malformed("JWS payload is not a JSON object");
    }
    if (!p.path("v").isIntegralNumber() || p.path("v").longValue() != 1) {
      throw WarrantException.malformed("entry format version v is not 1");
    }
    String kind = text(p, "kind");
    if (!kind.equals("decision")) {
      throw new WarrantException(
          Reason.NOT_A_DECISION, "entry kind " + StrictJson.quote(kind) + " is not decision");
    }
    String decision = text(p, "decision");
    if (!decision.equals("allow")) {
      throw new WarrantException(
          Reason.NOT_ALLOWED, "the decision is " + StrictJson.quote(decision) + ", not allow");
    }
    String decisionId = text(p, "decision_id");
    if (!ULID.matcher(decisionId).matches()) {
      throw WarrantException.malformed("decision_id is not a ULID");
    }
    String requestDigest = text(p, "request_digest");
    if (!DIGEST.matcher(requestDigest).matches()) {
      throw WarrantException.malformed("request_digest is not sha256: and 64 lowercase hex digits");
    }
    JsonNode logIndex = p.path("log_index");
    if (!logIndex.isIntegralNumber() || !logIndex.canConvertToLong() || logIndex.longValue() < 0) {
      throw WarrantException.malformed("log_index is not a non-negative integer");
    }
    Instant ts = timestamp(p, "ts");
    if (!p.has("expires")) {
      throw new WarrantException(
          Reason.NO_EXPIRY, "the decision has no expires, so it is not a warrant");
    }
    Instant expires = timestamp(p, "expires");
    if (expires.isBefore(ts)) {
      throw WarrantException.malformed("expires is before ts");
    }
    VerifiedWarrant warrant =
        new VerifiedWarrant(
            decisionId,
            text(p, "agent"),
            text(p, "tenant"),
            text(p, "action"),
            text(p, "resource"),
            text(p, "policy_hash"),
            logIndex.longValue(),
            text(p, "log_origin"),
            expires);
    return new WarrantPayload(warrant, requestDigest, ts);
  }

  private static String text(JsonNode p, String name) throws WarrantException {
    JsonNode v = p.path(name);
    if (!v.isTextual() || v.textValue().isEmpty()) {
      throw WarrantException.malformed(name + " is missing, empty or not a string");
    }
    return v.textValue();
  }

  private static Instant timestamp(JsonNode p, String name) throws WarrantException {
    String s = text(p, name);
    if (TIMESTAMP.matcher(s).matches()) {
      try {
        return Instant.parse(s);
      } catch (DateTimeParseException e) {
        // A date that does not exist (February 30th): refused below.
      }
    }
    throw WarrantException.malformed(
        name + " is not an RFC 3339 UTC time with milliseconds, like 2026-11-21T23:40:01.123Z");
  }
}
