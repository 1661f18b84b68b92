package dev.warden.receipt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warden.crypto.Ed25519Signer;
import dev.warden.httpsig.SignatureAlgorithms;
import dev.warden.httpsig.SignatureException;
import dev.warden.json.Canonical;
import dev.warden.json.JsonLimits;
import dev.warden.json.JsonRejected;
import dev.warden.json.StrictJson;
import dev.warden.receipt.ReceiptException.Reason;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * Compact JWS (RFC 7515 §7.1) signed with Ed25519 ({@code alg} {@code EdDSA}, RFC 8037 §3.1), as
 * receipts use it: {@code base64url(header) "." base64url(payload) "." base64url(signature)}, the
 * signature over the ASCII of the first two parts.
 *
 * <p>The protected header Warden writes is exactly, byte for byte (RFC 8785 canonical order):
 * {@code {"alg":"EdDSA","kid":"<kid>","typ":"warden-receipt+jwt"}}. The verifier reads any member
 * order but accepts only those three members with those values: no {@code alg} other than {@code
 * EdDSA} (so never {@code none}), no {@code crit}, {@code b64}, {@code jwk} or {@code x5u}. Every
 * part must be canonical unpadded base64url (RFC 7515 §2).
 */
public final class CompactJws {
  /** The {@code typ} of receipts. */
  public static final String TYPE = "warden-receipt+jwt";

  /** Longest JWS read, in characters. */
  public static final int MAX_LENGTH = 2 * 1024 * 1024;

  private static final Set<String> HEADER_MEMBERS = Set.of("alg", "kid", "typ");
  private static final JsonLimits HEADER_LIMITS = new JsonLimits(4_096, 2, 1_024, 32, 16);

  private CompactJws() {}

  /** What a compact JWS holds, before its signature is checked. */
  record Parts(String kid, byte[] payload, byte[] signingInput, byte[] signature) {}

  /**
   * Signs {@code payload} with {@code key} under {@code kid}.
   *
   * @throws IllegalArgumentException if {@code kid} is empty
   */
  public static String sign(byte[] payload, Ed25519Signer key, String kid) {
    if (kid.isEmpty()) {
      throw new IllegalArgumentException("a JWS kid is not empty");
    }
    ObjectNode header = JsonNodeFactory.instance.objectNode();
    header.put("alg", "EdDSA");
    header.put("kid", kid);
    header.put("typ", TYPE);
    String input = Base64Url.encode(Canonical.bytes(header)) + "." + Base64Url.encode(payload);
    byte[] signature = key.sign(input.getBytes(StandardCharsets.US_ASCII));
    return input + "." + Base64Url.encode(signature);
  }

  /**
   * Verifies {@code jws} with the key of {@code jwks} its {@code kid} names, and returns the
   * payload.
   *
   * @throws ReceiptException {@code MALFORMED} (structure, encoding, header), {@code
   *     JWS_UNKNOWN_KEY} (kid not in the JWKS), {@code JWS_SIGNATURE} (signature does not verify)
   */
  public static byte[] verify(String jws, Jwks jwks) throws ReceiptException {
    Parts parts = parse(jws);
    Jwk key =
        jwks.find(parts.kid())
            .orElseThrow(
                () ->
                    new ReceiptException(
                        Reason.JWS_UNKNOWN_KEY, "JWS kid " + parts.kid() + " is not in the JWKS"));
    try {
      SignatureAlgorithms.verifyEd25519(key.publicKey(), parts.signingInput(), parts.signature());
    } catch (SignatureException e) {
      throw new ReceiptException(
          Reason.JWS_SIGNATURE, "JWS signature by kid " + parts.kid() + " does not verify");
    }
    return parts.payload();
  }

  /** Splits and decodes {@code jws} and checks its header; the signature is not checked. */
  static Parts parse(String jws) throws ReceiptException {
    if (jws.length() > MAX_LENGTH) {
      throw ReceiptException.malformed("JWS is longer than " + MAX_LENGTH + " characters");
    }
    String[] parts = jws.split("\\.", -1);
    if (parts.length != 3) {
      throw ReceiptException.malformed(
          "a compact JWS has 3 parts separated by '.', not " + parts.length);
    }
    byte[] header = Base64Url.decode(parts[0]);
    byte[] payload = Base64Url.decode(parts[1]);
    byte[] signature = Base64Url.decode(parts[2]);
    if (header == null || payload == null || signature == null) {
      throw ReceiptException.malformed("a JWS part is not canonical unpadded base64url");
    }
    String kid = checkHeader(header);
    if (payload.length == 0) {
      throw ReceiptException.malformed("JWS payload is empty");
    }
    byte[] signingInput =
        (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII); // base64url is ASCII
    return new Parts(kid, payload, signingInput, signature);
  }

  private static String checkHeader(byte[] bytes) throws ReceiptException {
    JsonNode header;
    try {
      header = StrictJson.parse(bytes, HEADER_LIMITS);
    } catch (JsonRejected e) {
      throw ReceiptException.malformed("JWS header is not strict JSON: " + e.getMessage());
    }
    if (!header.isObject()) {
      throw ReceiptException.malformed("JWS header is not a JSON object");
    }
    for (var member : header.properties()) {
      String name = member.getKey();
      if (!HEADER_MEMBERS.contains(name)) {
        throw ReceiptException.malformed("JWS header member " + name + " is not accepted");
      }
    }
    JsonNode alg = header.path("alg");
    if (!alg.isTextual() || !alg.textValue().equals("EdDSA")) {
      throw ReceiptException.malformed(
          "JWS alg " + (alg.isTextual() ? alg.textValue() : "(missing)") + " is not EdDSA");
    }
    JsonNode typ = header.path("typ");
    if (!typ.isTextual() || !typ.textValue().equals(TYPE)) {
      throw ReceiptException.malformed("JWS typ is not " + TYPE);
    }
    JsonNode kid = header.path("kid");
    if (!kid.isTextual() || kid.textValue().isEmpty()) {
      throw ReceiptException.malformed("JWS header has no kid");
    }
    return kid.textValue();
  }
}
