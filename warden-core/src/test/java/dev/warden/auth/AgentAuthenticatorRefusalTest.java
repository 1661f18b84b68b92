package dev.warden.auth;

import static dev.warden.auth.AuthFixture.NONCE;
import static dev.warden.auth.AuthFixture.NOW;
import static dev.warden.auth.AuthFixture.NOW_S;
import static dev.warden.auth.AuthFixture.URI_;
import static dev.warden.auth.AuthFixture.ed25519;
import static dev.warden.auth.AuthFixture.handSigned;
import static dev.warden.auth.AuthFixture.post;
import static dev.warden.auth.AuthFixture.signed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.error.ErrorCode;
import dev.warden.error.RequestRejected;
import dev.warden.httpsig.HttpRequestView;
import dev.warden.httpsig.SigningKey;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;

/** {@link AgentAuthenticator}: every refusal, with the error code SPEC §3 gives it. */
class AgentAuthenticatorRefusalTest {
  private final AuthFixture f = new AuthFixture();
  private final SigningKey one = ed25519("agent-one", AuthFixture.SEED_ONE);

  @Test
  void authenticate_noSignatureHeaders_missingSignature() {
    HttpRequestView r = HttpRequestView.of("POST", URI_, Map.of());
    refused(r, true, ErrorCode.AUTH_MISSING_SIGNATURE);
  }

  @Test
  void authenticate_signatureInputNotStructuredField_malformed() {
    HttpRequestView r =
        HttpRequestView.of(
            "POST",
            URI_,
            Map.of("Signature-Input", List.of("sig1=((("), "Signature", List.of("sig1=:AAAA:")));
    refused(r, true, ErrorCode.AUTH_MALFORMED_SIGNATURE);
  }

  @Test
  void authenticate_signatureWithoutSignatureInput_malformed() {
    Map<String, List<String>> headers = headersOf(post(one, NOW_S, null, NONCE));
    headers.remove("signature-input");
    refused(HttpRequestView.of("POST", URI_, headers), true, ErrorCode.AUTH_MALFORMED_SIGNATURE);
  }

  @Test
  void authenticate_keyidNotAgentIdForm_malformed() {
    for (String keyId : List.of("Agent-One", "a", "agent-one/", "agent-one/k1/x", "agent one")) {
      refused(
              post(ed25519(keyId, AuthFixture.SEED_ONE), NOW_S, null, NONCE),
              true,
              ErrorCode.AUTH_MALFORMED_SIGNATURE)
          .as(keyId)
          .hasMessageContaining("keyid");
    }
  }

  @Test
  void authenticate_unknownAgent_unknownKey() {
    refused(
        post(ed25519("agent-nobody", AuthFixture.SEED_ONE), NOW_S, null, NONCE),
        true,
        ErrorCode.AUTH_UNKNOWN_KEY);
  }

  @Test
  void authenticate_unknownKeyIdOfKnownAgent_unknownKey() {
    refused(
        post(ed25519("agent-two/k9", AuthFixture.SEED_TWO_K1), NOW_S, null, NONCE),
        true,
        ErrorCode.AUTH_UNKNOWN_KEY);
  }

  @Test
  void authenticate_revokedKeyNamedInKeyid_unknownKey() {
    refused(
        post(ed25519("agent-rev/old", AuthFixture.SEED_REV_OLD), NOW_S, null, NONCE),
        true,
        ErrorCode.AUTH_UNKNOWN_KEY);
  }

  @Test
  void authenticate_agentWhoseOnlyKeyIsRevoked_unknownKey() {
    refused(
        post(ed25519("agent-gone", AuthFixture.SEED_GONE), NOW_S, null, NONCE),
        true,
        ErrorCode.AUTH_UNKNOWN_KEY);
  }

  @Test
  void authenticate_severalKeysAndNoKeyIdInKeyid_unknownKeyNamingTheForm() {
    refused(
            post(ed25519("agent-two", AuthFixture.SEED_TWO_K1), NOW_S, null, NONCE),
            true,
            ErrorCode.AUTH_UNKNOWN_KEY)
        .hasMessageContaining("agent-two/<key-id>");
  }

  @Test
  void authenticate_algDoesNotMatchKey_badSignature() {
    // An HMAC signature (alg="hmac-sha256") for an agent registered with an Ed25519 key.
    refused(
            post(SigningKey.hmacSha256("agent-one", AuthFixture.MAC_SECRET), NOW_S, null, NONCE),
            true,
            ErrorCode.AUTH_BAD_SIGNATURE)
        .hasMessageContaining("alg");
  }

  @Test
  void authenticate_ed25519SignatureForHmacAgent_badSignature() {
    refused(
        post(ed25519("agent-mac", AuthFixture.SEED_ONE), NOW_S, null, NONCE),
        true,
        ErrorCode.AUTH_BAD_SIGNATURE);
  }

  @Test
  void authenticate_signedByAnotherKey_badSignature() {
    refused(
        post(ed25519("agent-one", AuthFixture.SEED_STRANGER), NOW_S, null, NONCE),
        true,
        ErrorCode.AUTH_BAD_SIGNATURE);
  }

  @Test
  void authenticate_keyOfOtherKeyIdOfSameAgent_badSignature() {
    refused(
        post(ed25519("agent-two/k2", AuthFixture.SEED_TWO_K1), NOW_S, null, NONCE),
        true,
        ErrorCode.AUTH_BAD_SIGNATURE);
  }

  @Test
  void authenticate_methodChangedAfterSigning_badSignature() {
    HttpRequestView signedPost = post(one, NOW_S, null, NONCE);
    HttpRequestView asPut = HttpRequestView.of("PUT", URI_, headersOf(signedPost));
    refused(asPut, true, ErrorCode.AUTH_BAD_SIGNATURE);
  }

  @Test
  void authenticate_targetChangedAfterSigning_badSignature() {
    HttpRequestView signedPost = post(one, NOW_S, null, NONCE);
    HttpRequestView moved =
        HttpRequestView.of(
            "POST", URI.create("https://warden.example/v1/decisions?x=1"), headersOf(signedPost));
    refused(moved, true, ErrorCode.AUTH_BAD_SIGNATURE);
  }

  @Test
  void authenticate_contentDigestChangedAfterSigning_badSignature() {
    Map<String, List<String>> headers = headersOf(post(one, NOW_S, null, NONCE));
    headers.put(
        "content-digest",
        List.of("sha-256=:" + java.util.Base64.getEncoder().encodeToString(new byte[32]) + ":"));
    refused(HttpRequestView.of("POST", URI_, headers), true, ErrorCode.AUTH_BAD_SIGNATURE);
  }

  @Test
  void authenticate_createdOlderThanMaxAge_expired() {
    refused(post(one, NOW_S - 301, null, NONCE), true, ErrorCode.AUTH_SIGNATURE_EXPIRED)
        .hasMessageContaining("limits.max_signature_age");
  }

  @Test
  void authenticate_createdFurtherAheadThanSkew_notYetValid() {
    refused(post(one, NOW_S + 31, null, NONCE), true, ErrorCode.AUTH_SIGNATURE_NOT_YET_VALID)
        .hasMessageContaining("limits.clock_skew");
  }

  @Test
  void authenticate_expiresNowOrPassed_expired() {
    refused(post(one, NOW_S - 10, NOW_S, NONCE), true, ErrorCode.AUTH_SIGNATURE_EXPIRED);
    refused(post(one, NOW_S - 10, NOW_S - 1, NONCE), true, ErrorCode.AUTH_SIGNATURE_EXPIRED);
  }

  @Test
  void authenticate_nonceTooShort_malformed() {
    refused(post(one, NOW_S, null, "1234567"), true, ErrorCode.AUTH_MALFORMED_SIGNATURE)
        .hasMessageContaining("nonce");
  }

  @Test
  void authenticate_nonceTooLong_malformed() {
    refused(post(one, NOW_S, null, "n".repeat(129)), true, ErrorCode.AUTH_MALFORMED_SIGNATURE)
        .hasMessageContaining("nonce");
  }

  @Test
  void authenticate_nonceWithSpace_malformed() {
    // An sf-string cannot carry non-ASCII; a space is the one non-visible character it can.
    refused(post(one, NOW_S, null, "nonce with space"), true, ErrorCode.AUTH_MALFORMED_SIGNATURE)
        .hasMessageContaining("visible ASCII");
  }

  @Test
  void authenticate_coversOnlyMethod_malformed() throws Exception {
    refused(
            handSigned(
                AuthFixture.SEED_ONE,
                "GET",
                URI_,
                List.of("@method"),
                NOW_S,
                NONCE,
                "agent-one",
                "ed25519"),
            false,
            ErrorCode.AUTH_MALFORMED_SIGNATURE)
        .hasMessageContaining("@target-uri");
  }

  @Test
  void authenticate_coversTargetUriButNotMethod_malformed() throws Exception {
    refused(
            handSigned(
                AuthFixture.SEED_ONE,
                "GET",
                URI_,
                List.of("@target-uri"),
                NOW_S,
                NONCE,
                "agent-one",
                "ed25519"),
            false,
            ErrorCode.AUTH_MALFORMED_SIGNATURE)
        .hasMessageContaining("@method");
  }

  @Test
  void authenticate_coversAuthorityWithoutPath_malformed() throws Exception {
    refused(
        handSigned(
            AuthFixture.SEED_ONE,
            "GET",
            URI_,
            List.of("@method", "@authority"),
            NOW_S,
            NONCE,
            "agent-one",
            "ed25519"),
        false,
        ErrorCode.AUTH_MALFORMED_SIGNATURE);
  }

  @Test
  void authenticate_authorityAndPathWithoutQueryOnUriWithQuery_malformed() throws Exception {
    URI withQuery = URI.create("https://warden.example/v1/decisions/01J?agent=other");
    refused(
            handSigned(
                AuthFixture.SEED_ONE,
                "GET",
                withQuery,
                List.of("@method", "@authority", "@path"),
                NOW_S,
                NONCE,
                "agent-one",
                "ed25519"),
            false,
            ErrorCode.AUTH_MALFORMED_SIGNATURE)
        .hasMessageContaining("@query");
  }

  @Test
  void authenticate_bodyNotCoveredByContentDigest_malformed() {
    // Signed as a request without a body, presented as one with a body.
    HttpRequestView r = signed(one, "POST", URI_, new byte[0], NOW_S, null, NONCE);
    refused(r, true, ErrorCode.AUTH_MALFORMED_SIGNATURE).hasMessageContaining("content-digest");
  }

  private AbstractThrowableAssert<?, ? extends Throwable> refused(
      HttpRequestView r, boolean hasBody, ErrorCode code) {
    return assertThatThrownBy(() -> f.authenticator.authenticate(r, hasBody, NOW))
        .isInstanceOfSatisfying(RequestRejected.class, e -> assertThat(e.code()).isEqualTo(code));
  }

  private static Map<String, List<String>> headersOf(HttpRequestView r) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (String name : List.of("content-type", "content-digest", "signature-input", "signature")) {
      if (!r.headerValues(name).isEmpty()) {
        out.put(name, r.headerValues(name));
      }
    }
    return out;
  }
}
