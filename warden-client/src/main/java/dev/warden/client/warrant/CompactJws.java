package dev.warden.client.warrant;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warden.client.warrant.WarrantException.Reason;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The compact JWS (RFC 7515 §7.1) of a Warden receipt, split and checked before its signature is:
 * {@code base64url(header) "." base64url(payload) "." base64url(signature)}, every part canonical
 * unpadded base64url. The protected header Warden writes is exactly {@code
 * {"alg":"EdDSA","kid":"<kid>","typ":"warden-receipt+jwt"}}; this reads any member order but only
 * those three members: {@code alg} exactly {@code EdDSA} (RFC 8037 §3.1; never {@code none} or an
 * HMAC), {@code typ} exactly {@code warden-receipt+jwt}, {@code kid} base64url text, and no {@code
 * crit} or other member.
 */
final class CompactJws {
  /** Longest JWS read, in characters. */
  static final int MAX_LENGTH = 2 * 1024 * 1024;

  static final String TYPE = "warden-receipt+jwt";

  private static final int MAX_HEADER_BYTES = 4_096;
  private static final Set<String> HEADER_MEMBERS = Set.of("alg", "kid", "typ");
  private static final Pattern KID = Pattern.compile("[A-Za-z0-9_-]{1,128}");

  private CompactJws() {}

  /**
   * A JWS whose structure and header passed.
   *
   * @param signingInput the ASCII bytes of {@code header "." payload}, which the signature covers
   */
  record Parts(String kid, byte[] payload, byte[] signingInput, byte[] signature) {}

  /**
   * Splits and decodes {@code jws} and checks its header.
   *
   * @throws WarrantException {@code MALFORMED} or {@code BAD_ALGORITHM}
   */
  static Parts parse(String jws) throws WarrantException {
    if (jws.length() > MAX_LENGTH) {
      throw WarrantException.malformed("JWS is longer than " + MAX_LENGTH + " characters");
    }
    String[] parts = jws.split("\\.", -1);
    if (parts.length != 3) {
      throw WarrantException.malformed(
          "a compact JWS has 3 parts separated by '.', not " + parts.length);
    }
    byte[] header = Base64Url.decode(parts[0]);
    byte[] payload = Base64Url.decode(parts[1]);
    byte[] signature = Base64Url.decode(parts[2]);
    if (header == null || payload == null || signature == null) {
      throw WarrantException.malformed("a JWS part is not canonical unpadded base64url");
    }
    String kid = checkHeader(header);
    // base64url is ASCII, so the signing input is the characters as they came.
    byte[] signingInput = (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII);
    return new Parts(kid, payload, signingInput, signature);
  }

  private static String checkHeader(byte[] bytes) throws WarrantException {
    JsonNode header = StrictJson.parse(bytes, MAX_HEADER_BYTES, "JWS header", Reason.MALFORMED);
    if (!header.isObject()) {
      throw WarrantException.malformed("JWS header is not a JSON object");
    }
    // The algorithm first: a token that names another one is refused as such, whatever else it
    // holds.
    JsonNode alg = header.path("alg");
    if (!alg.isTextual() || !alg.textValue().equals("EdDSA")) {
      throw new WarrantException(
          Reason.BAD_ALGORITHM,
          "JWS alg "
              + (alg.isTextual() ? StrictJson.quote(alg.textValue()) : "(missing)")
              + " is not EdDSA");
    }
    if (header.has("crit")) {
      throw WarrantException.malformed("JWS header has crit; no extension is understood");
    }
    for (var member : header.properties()) {
      if (!HEADER_MEMBERS.contains(member.getKey())) {
        throw WarrantException.malformed(
            "JWS header member " + StrictJson.quote(member.getKey()) + " is not accepted");
      }
    }
    JsonNode typ = header.path("typ");
    if (!typ.isTextual() || !typ.textValue().equals(TYPE)) {
      throw WarrantException.malformed("JWS typ is not " + TYPE);
    }
    JsonNode kid = header.path("kid");
    if (!kid.isTextual() || !KID.matcher(kid.textValue()).matches()) {
      throw WarrantException.malformed("JWS kid is missing or not 1 to 128 base64url characters");
    }
    return kid.textValue();
  }
}
