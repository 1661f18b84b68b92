package dev.warden.httpsig;

import static dev.warden.httpsig.TestJson.object;
import static dev.warden.httpsig.TestJson.string;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.httpsig.SignatureException.Reason;
import dev.warden.httpsig.StructuredFields.InnerList;
import dev.warden.httpsig.StructuredFields.Item;
import dev.warden.httpsig.StructuredFields.SfByteSequence;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** RFC 9421 Appendix B.2.6 (ed25519) and B.2.5 (hmac-sha256), from the vector files. */
class Rfc9421VectorsTest {

  private static final Map<String, Object> B26 = TestJson.resource("b26-ed25519.json");
  private static final Map<String, Object> B25 = TestJson.resource("b25-hmac-sha256.json");

  /** PKCS#8 and SPKI prefixes of an Ed25519 key (RFC 8410 §7); the raw key follows. */
  private static final String PKCS8_PREFIX = "302e020100300506032b657004220420";

  private static final String SPKI_PREFIX = "302a300506032b6570032100";

  @Test
  void build_b26Request_equalsRfcSignatureBase() throws Exception {
    assertThat(new String(base(B26, "sig-b26"), StandardCharsets.ISO_8859_1))
        .isEqualTo(string(B26, "signature_base"));
  }

  @Test
  void verifyEd25519_b26Signature_verifiesWithPublicKey() throws Exception {
    SignatureAlgorithms.verifyEd25519(publicKey(), base(B26, "sig-b26"), signature(B26, "sig-b26"));
  }

  @Test
  void signEd25519_b26PrivateKey_reproducesSignatureExactly() throws Exception {
    byte[] base = string(B26, "signature_base").getBytes(StandardCharsets.ISO_8859_1);
    assertThat(SignatureAlgorithms.signEd25519(seed(), base)).isEqualTo(signature(B26, "sig-b26"));
    SigningKey key = SigningKey.ed25519("test-key-ed25519", seed());
    assertThat(key.sign(base)).isEqualTo(signature(B26, "sig-b26"));
    assertThat(key.publicKey()).contains(publicKey());
  }

  @Test
  void verify_b26BodyWithOneBitFlipped_throwsDigestMismatch() throws Exception {
    byte[] body = string(object(B26, "request"), "body").getBytes(StandardCharsets.UTF_8);
    List<String> digest = view(B26).headerValues("content-digest");
    ContentDigest.verify(digest, body);
    for (int bit = 0; bit < body.length * 8; bit++) {
      byte[] tampered = body.clone();
      tampered[bit / 8] ^= (byte) (1 << (bit % 8));
      int flipped = bit;
      assertThatThrownBy(() -> ContentDigest.verify(digest, tampered))
          .as("body bit %d", flipped)
          .isInstanceOfSatisfying(
              SignatureException.class,
              e -> assertThat(e.reason()).isEqualTo(Reason.DIGEST_MISMATCH));
    }
  }

  @Test
  void verifyEd25519_b26CoveredHeaderWithOneBitFlipped_throwsBadSignature() throws Exception {
    Map<String, String> headers = stringHeaders(B26);
    int mutations = 0;
    for (String name : List.of("Date", "Content-Type", "Content-Length")) {
      String value = headers.get(name);
      for (int i = 0; i < value.length(); i++) {
        char flipped = (char) (value.charAt(i) ^ 1);
        if (flipped < 0x21 || flipped > 0x7e) {
          continue; // would be trimmed or refused as a control character, not a signature check
        }
        Map<String, String> tampered = new HashMap<>(headers);
        tampered.put(name, value.substring(0, i) + flipped + value.substring(i + 1));
        byte[] base = base(B26, "sig-b26", tampered);
        String what = name + " char " + i;
        assertThatThrownBy(
                () ->
                    SignatureAlgorithms.verifyEd25519(publicKey(), base, signature(B26, "sig-b26")))
            .as(what)
            .isInstanceOfSatisfying(
                SignatureException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.BAD_SIGNATURE));
        mutations++;
      }
    }
    assertThat(mutations).isGreaterThan(40);
  }

  @Test
  void verifyEd25519_b26SignatureWithOneBitFlipped_throwsBadSignature() throws Exception {
    byte[] base = base(B26, "sig-b26");
    byte[] signature = signature(B26, "sig-b26");
    for (int bit = 0; bit < signature.length * 8; bit++) {
      byte[] tampered = signature.clone();
      tampered[bit / 8] ^= (byte) (1 << (bit % 8));
      int flipped = bit;
      assertThatThrownBy(() -> SignatureAlgorithms.verifyEd25519(publicKey(), base, tampered))
          .as("signature bit %d", flipped)
          .isInstanceOfSatisfying(
              SignatureException.class,
              e -> assertThat(e.reason()).isEqualTo(Reason.BAD_SIGNATURE));
    }
  }

  @Test
  void parse_b26HeadersWithoutNonce_throwsMalformedNamingNonce() {
    // The RFC example carries no nonce; Warden's profile requires one.
    assertThatThrownBy(() -> SignatureHeaders.parse(view(B26)))
        .isInstanceOfSatisfying(
            SignatureException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED_SIGNATURE))
        .hasMessageContaining("nonce");
  }

  @Test
  void build_b25Request_equalsRfcSignatureBase() throws Exception {
    assertThat(new String(base(B25, "sig-b25"), StandardCharsets.ISO_8859_1))
        .isEqualTo(string(B25, "signature_base"));
  }

  @Test
  void signHmacSha256_b25Secret_reproducesSignatureAndVerifies() throws Exception {
    byte[] secret = Base64.getDecoder().decode(string(B25, "shared_secret_base64"));
    byte[] base = base(B25, "sig-b25");
    byte[] expected = signature(B25, "sig-b25");
    assertThat(SignatureAlgorithms.signHmacSha256(secret, base)).isEqualTo(expected);
    assertThat(SigningKey.hmacSha256("test-shared-secret", secret).sign(base)).isEqualTo(expected);
    SignatureAlgorithms.verifyHmacSha256(secret, base, expected);
  }

  @Test
  void verifyHmacSha256_b25WithOneBitFlippedInSignatureOrBase_throwsBadSignature()
      throws Exception {
    byte[] secret = Base64.getDecoder().decode(string(B25, "shared_secret_base64"));
    byte[] base = base(B25, "sig-b25");
    byte[] signature = signature(B25, "sig-b25");
    for (int bit = 0; bit < signature.length * 8; bit++) {
      byte[] tampered = signature.clone();
      tampered[bit / 8] ^= (byte) (1 << (bit % 8));
      assertThatThrownBy(() -> SignatureAlgorithms.verifyHmacSha256(secret, base, tampered))
          .isInstanceOfSatisfying(
              SignatureException.class,
              e -> assertThat(e.reason()).isEqualTo(Reason.BAD_SIGNATURE));
    }
    for (int bit = 0; bit < base.length * 8; bit += 7) {
      byte[] tampered = base.clone();
      tampered[bit / 8] ^= (byte) (1 << (bit % 8));
      assertThatThrownBy(() -> SignatureAlgorithms.verifyHmacSha256(secret, tampered, signature))
          .isInstanceOfSatisfying(
              SignatureException.class,
              e -> assertThat(e.reason()).isEqualTo(Reason.BAD_SIGNATURE));
    }
  }

  private static byte[] base(Map<String, Object> vector, String label) throws SignatureException {
    return base(vector, label, stringHeaders(vector));
  }

  /** Builds the base the general way (the RFC examples lack Warden's required nonce). */
  private static byte[] base(Map<String, Object> vector, String label, Map<String, String> headers)
      throws SignatureException {
    Map<String, Object> request = object(vector, "request");
    HttpRequestView view = view(request, headers);
    String input = String.join(", ", view.headerValues("signature-input"));
    InnerList member = (InnerList) StructuredFields.parseDictionary(input).get(label);
    List<Component> components = new ArrayList<>();
    for (Item item : member.items()) {
      components.add(Component.fromItem(item));
    }
    return SignatureBase.build(view, components, StructuredFields.serialize(member));
  }

  private static byte[] signature(Map<String, Object> vector, String label)
      throws SignatureException {
    String field = stringHeaders(vector).get("Signature");
    Item item = (Item) StructuredFields.parseDictionary(field).get(label);
    return ((SfByteSequence) item.value()).value();
  }

  private static HttpRequestView view(Map<String, Object> vector) {
    return view(object(vector, "request"), stringHeaders(vector));
  }

  private static HttpRequestView view(Map<String, Object> request, Map<String, String> headers) {
    Map<String, List<String>> lines = new HashMap<>();
    headers.forEach((k, v) -> lines.put(k, List.of(v)));
    return HttpRequestView.of(
        string(request, "method"), URI.create(string(request, "target_uri")), lines);
  }

  private static Map<String, String> stringHeaders(Map<String, Object> vector) {
    Map<String, String> out = new HashMap<>();
    object(object(vector, "request"), "headers").forEach((k, v) -> out.put(k, (String) v));
    return out;
  }

  private static byte[] seed() {
    return derTail(string(B26, "private_key_pem"), PKCS8_PREFIX);
  }

  private static byte[] publicKey() {
    return derTail(string(B26, "public_key_pem"), SPKI_PREFIX);
  }

  private static byte[] derTail(String pem, String prefixHex) {
    String b64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    byte[] der = Base64.getDecoder().decode(b64);
    assertThat(HexFormat.of().formatHex(der, 0, der.length - 32)).isEqualTo(prefixHex);
    byte[] key = new byte[32];
    System.arraycopy(der, der.length - 32, key, 0, 32);
    return key;
  }
}
