package dev.warden.client.warrant;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.SplittableRandom;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.erdtman.jcs.JsonCanonicalizer;

/**
 * A receipt key and warrants signed with it in the exact format of warden-core's {@code
 * ReceiptIssuer}: protected header {@code {"alg":"EdDSA","kid":…,"typ":"warden-receipt+jwt"}}, the
 * payload the decision entry plus {@code log_index} and {@code log_origin} in RFC 8785 form, all
 * unpadded base64url, Ed25519 (BouncyCastle) over the ASCII of {@code header.payload}. Built
 * without the code under test: canonical JSON comes from the erdtman canonicalizer, thumbprints
 * from RFC 7638 directly. {@code WarrantVectorTest} checks this format against the real issuer.
 */
final class WarrantFixture {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Instant TS = Instant.parse("2026-11-21T23:40:01.123Z");
  static final Instant EXPIRES = Instant.parse("2026-11-21T23:45:01.123Z");
  static final String DECISION_ID = "01JDA8XQ5ZP0000000000000AB";
  static final String ORIGIN = "warden.example.com/log";

  /** A request body in canonical form already, so its digest needs no canonicalizer. */
  static final byte[] BODY =
      ("{\"action\":\"payments.transfer\",\"params\":{\"count\":15,\"memo\":\"Caf\u00e9\","
              + "\"to\":\"acct-7\"},\"resource\":\"account/42\"}")
          .getBytes(UTF_8);

  /** {@link #BODY} as an agent might send it: other member order, whitespace, number form. */
  static final byte[] BODY_REFORMATTED =
      ("{ \"resource\" : \"account/42\",\n \"params\": {\"to\":\"acct-7\", \"count\": 1.5e1,"
              + " \"memo\": \"Caf\\u00e9\"},\r\n\t\"action\": \"payments.transfer\" }")
          .getBytes(UTF_8);

  private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

  final byte[] seed = new byte[32];
  final byte[] publicKey = new byte[32];
  final String kid;

  WarrantFixture(long seedValue) {
    new SplittableRandom(seedValue).nextBytes(seed);
    Ed25519.generatePublicKey(seed, 0, publicKey, 0);
    kid = thumbprint(publicKey);
  }

  /** A valid warrant payload for {@link #BODY}. */
  static ObjectNode entry() {
    ObjectNode e = JSON.createObjectNode();
    e.put("v", 1);
    e.put("kind", "decision");
    e.put("ts", "2026-11-21T23:40:01.123Z");
    e.put("decision_id", DECISION_ID);
    e.put("agent", "agent-7");
    e.put("tenant", "acme");
    e.put("key_id", "k1");
    e.put("action", "payments.transfer");
    e.put("resource", "account/42");
    e.put("request_digest", digest(BODY));
    e.put("decision", "allow");
    e.putArray("reasons")
        .addObject()
        .put("rule", "small")
        .put("code", "policy.allow")
        .put("message", "ok ✓");
    e.putArray("matched").addObject().put("rule", "small").put("effect", "allow");
    e.put("policy_hash", "sha256:" + "ab".repeat(32));
    e.put("expires", "2026-11-21T23:45:01.123Z");
    e.put("log_index", 41);
    e.put("log_origin", ORIGIN);
    return e;
  }

  /** {@code sha256:} + hex SHA-256 of {@code canonicalBody}, which must be canonical already. */
  static String digest(byte[] canonicalBody) {
    return "sha256:" + HexFormat.of().formatHex(sha256(canonicalBody));
  }

  /** The warrant ReceiptIssuer would write for {@code payload}. */
  String sign(JsonNode payload) {
    return signRaw(header(kid), canonical(payload));
  }

  /** A JWS of exactly these header and payload bytes, signed with this key. */
  String signRaw(String headerJson, byte[] payload) {
    String input = b64(headerJson.getBytes(UTF_8)) + "." + b64(payload);
    byte[] signature = new byte[64];
    byte[] message = input.getBytes(US_ASCII);
    Ed25519.sign(seed, 0, message, 0, message.length, signature, 0);
    return input + "." + b64(signature);
  }

  /** The protected header ReceiptIssuer writes. */
  static String header(String kid) {
    return "{\"alg\":\"EdDSA\",\"kid\":\"" + kid + "\",\"typ\":\"warden-receipt+jwt\"}";
  }

  /** This key as Warden publishes it in its JWKS. */
  ObjectNode jwk() {
    ObjectNode k = JSON.createObjectNode();
    k.put("alg", "EdDSA");
    k.put("crv", "Ed25519");
    k.put("kid", kid);
    k.put("kty", "OKP");
    k.put("use", "sig");
    k.put("x", b64(publicKey));
    return k;
  }

  static String jwks(WarrantFixture... keys) {
    ObjectNode root = JSON.createObjectNode();
    for (WarrantFixture k : keys) {
      root.withArray("keys").add(k.jwk());
    }
    return root.toString();
  }

  static WarrantKeys keys(WarrantFixture... keys) {
    try {
      return WarrantKeys.parse(jwks(keys));
    } catch (WarrantException e) {
      throw new AssertionError(e);
    }
  }

  static byte[] canonical(JsonNode node) {
    try {
      return new JsonCanonicalizer(JSON.writeValueAsString(node)).getEncodedUTF8();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String b64(byte[] bytes) {
    return B64URL.encodeToString(bytes);
  }

  /** RFC 7638 §3 for an OKP key (RFC 8037 §2). */
  static String thumbprint(byte[] publicKey) {
    return b64(
        sha256(
            ("{\"crv\":\"Ed25519\",\"kty\":\"OKP\",\"x\":\"" + b64(publicKey) + "\"}")
                .getBytes(UTF_8)));
  }

  static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
