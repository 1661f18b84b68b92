package dev.warden.httpsig;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.httpsig.SignatureException.Reason;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Signing as agents do, verifying as Warden does. */
class MessageSignerTest {

  private static final byte[] SEED = new byte[32];
  private static final SigningKey ED = SigningKey.ed25519("agent-1/k1", SEED);
  private static final byte[] SECRET =
      "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  private static final SigningKey HMAC = SigningKey.hmacSha256("agent-2", SECRET);
  private static final URI TARGET = URI.create("http://127.0.0.1:8080/v1/decisions?wait=30s");
  private static final byte[] BODY =
      "{\"action\":\"payments.transfer\"}".getBytes(StandardCharsets.UTF_8);

  @Test
  void sign_requestWithBody_coversDigestAndContentTypeAndVerifies() throws Exception {
    Map<String, String> headers = Map.of("Content-Type", "application/json");
    Map<String, String> added =
        MessageSigner.of(ED).sign("POST", TARGET, headers, BODY, 1_700_000_000L, null, "bm9uY2U");
    assertThat(added.keySet()).containsExactly("Content-Digest", "Signature-Input", "Signature");
    assertThat(added.get("Signature-Input"))
        .isEqualTo(
            "sig1=(\"@method\" \"@target-uri\" \"content-digest\" \"content-type\")"
                + ";created=1700000000;nonce=\"bm9uY2U\";keyid=\"agent-1/k1\";alg=\"ed25519\"");

    HttpRequestView received = received("POST", headers, added);
    LabeledSignature sig = SignatureHeaders.parse(received).getFirst();
    SignatureAlgorithms.verifyEd25519(
        ED.publicKey().orElseThrow(), SignatureBase.build(received, sig.params()), sig.signature());
    ContentDigest.verify(received.headerValues("content-digest"), BODY);
  }

  @Test
  void sign_withoutBodyWithExpires_coversMethodAndTargetOnly() throws Exception {
    Map<String, String> added =
        MessageSigner.of(HMAC).sign("GET", TARGET, Map.of(), new byte[0], 100, 400L, "n");
    assertThat(added).doesNotContainKey("Content-Digest");
    HttpRequestView received = received("GET", Map.of(), added);
    SignatureParameters params = SignatureHeaders.parse(received).getFirst().params();
    assertThat(params.components())
        .containsExactly(Component.of("@method"), Component.of("@target-uri"));
    assertThat(params.expires()).hasValue(400);
    assertThat(params.alg()).contains("hmac-sha256");
    SignatureAlgorithms.verifyHmacSha256(
        SECRET,
        SignatureBase.build(received, params),
        SignatureHeaders.parse(received).getFirst().signature());
  }

  @Test
  void verify_signedRequestSentElsewhere_throwsBadSignature() throws Exception {
    Map<String, String> added =
        MessageSigner.of(ED).sign("POST", TARGET, Map.of(), BODY, 1, null, "n");
    HttpRequestView redirected =
        HttpRequestView.of(
            "POST",
            URI.create("http://127.0.0.1:8080/v1/actions?wait=30s"),
            lines(Map.of(), added));
    LabeledSignature sig = SignatureHeaders.parse(redirected).getFirst();
    byte[] base = SignatureBase.build(redirected, sig.params());
    assertThatThrownBy(
            () ->
                SignatureAlgorithms.verifyEd25519(
                    ED.publicKey().orElseThrow(), base, sig.signature()))
        .isInstanceOfSatisfying(
            SignatureException.class, e -> assertThat(e.reason()).isEqualTo(Reason.BAD_SIGNATURE));
  }

  @Test
  void sign_headersAlreadySigned_throwsIllegalArgument() {
    assertThatThrownBy(
            () ->
                MessageSigner.of(ED)
                    .sign("POST", TARGET, Map.of("signature", "x"), BODY, 1, null, "n"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                MessageSigner.of(ED)
                    .sign("POST", TARGET, Map.of("Content-Type", "a\r\nb"), BODY, 1, null, "n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("content-type");
  }

  private static HttpRequestView received(
      String method, Map<String, String> headers, Map<String, String> added) {
    return HttpRequestView.of(method, TARGET, lines(headers, added));
  }

  private static Map<String, List<String>> lines(
      Map<String, String> headers, Map<String, String> added) {
    Map<String, List<String>> all = new HashMap<>();
    headers.forEach((k, v) -> all.put(k, List.of(v)));
    added.forEach((k, v) -> all.put(k, List.of(v)));
    return all;
  }
}
