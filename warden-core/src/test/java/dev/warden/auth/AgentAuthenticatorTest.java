package dev.warden.auth;

import static dev.warden.auth.AuthFixture.NONCE;
import static dev.warden.auth.AuthFixture.NOW;
import static dev.warden.auth.AuthFixture.NOW_S;
import static dev.warden.auth.AuthFixture.ed25519;
import static dev.warden.auth.AuthFixture.handSigned;
import static dev.warden.auth.AuthFixture.post;
import static dev.warden.auth.AuthFixture.signed;
import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.httpsig.SignatureParameters;
import dev.warden.httpsig.SigningKey;
import dev.warden.store.KeyAlgorithm;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link AgentAuthenticator}: requests it must accept, and which agent and key they resolve to. */
class AgentAuthenticatorTest {
  private final AuthFixture f = new AuthFixture();

  @Test
  void authenticate_keyidAgentWithOneKey_acceptedWithThatKey() throws Exception {
    Authenticated a =
        f.authenticator.authenticate(
            post(ed25519("agent-one", AuthFixture.SEED_ONE), NOW_S, null, NONCE), true, NOW);

    assertThat(a.agent().id()).isEqualTo("agent-one");
    assertThat(a.key().keyId()).isEqualTo("k1");
    assertThat(a.params().nonce()).isEqualTo(NONCE);
    assertThat(a.params().keyId()).isEqualTo("agent-one");
    assertThat(a.params().covers("content-digest")).isTrue();
  }

  @Test
  void authenticate_keyidAgentSlashK2_selectsK2() throws Exception {
    Authenticated a =
        f.authenticator.authenticate(
            post(ed25519("agent-two/k2", AuthFixture.SEED_TWO_K2), NOW_S, null, NONCE), true, NOW);
    assertThat(a.agent().id()).isEqualTo("agent-two");
    assertThat(a.key().keyId()).isEqualTo("k2");
  }

  @Test
  void authenticate_keyidAgentWithOneKeyRevokedOneActive_usesActiveKey() throws Exception {
    Authenticated a =
        f.authenticator.authenticate(
            post(ed25519("agent-rev", AuthFixture.SEED_REV_NEW), NOW_S, null, NONCE), true, NOW);
    assertThat(a.key().keyId()).isEqualTo("new");
  }

  @Test
  void authenticate_hmacAgent_accepted() throws Exception {
    Authenticated a =
        f.authenticator.authenticate(
            post(SigningKey.hmacSha256("agent-mac", AuthFixture.MAC_SECRET), NOW_S, null, NONCE),
            true,
            NOW);
    assertThat(a.agent().id()).isEqualTo("agent-mac");
    assertThat(a.key().algorithm()).isEqualTo(KeyAlgorithm.HMAC_SHA256);
  }

  @Test
  void authenticate_getWithoutBody_accepted() throws Exception {
    Authenticated a =
        f.authenticator.authenticate(
            signed(
                ed25519("agent-one", AuthFixture.SEED_ONE),
                "GET",
                URI.create("https://warden.example/v1/decisions/01J?x=1"),
                new byte[0],
                NOW_S,
                null,
                NONCE),
            false,
            NOW);
    assertThat(a.agent().id()).isEqualTo("agent-one");
  }

  @Test
  void authenticate_atFreshnessBoundaries_accepted() throws Exception {
    SigningKey k = ed25519("agent-one", AuthFixture.SEED_ONE);
    // created exactly max age (300 s) ago; exactly the skew (30 s) ahead; expires 1 s from now
    f.authenticator.authenticate(post(k, NOW_S - 300, null, NONCE), true, NOW);
    f.authenticator.authenticate(post(k, NOW_S + 30, null, NONCE), true, NOW);
    f.authenticator.authenticate(post(k, NOW_S, NOW_S + 1, NONCE), true, NOW);
    // now carries milliseconds: freshness is judged in whole seconds
    f.authenticator.authenticate(post(k, NOW_S - 300, null, NONCE), true, NOW.plusMillis(999));
  }

  @Test
  void authenticate_nonceOf8And128VisibleCharacters_accepted() throws Exception {
    SigningKey k = ed25519("agent-one", AuthFixture.SEED_ONE);
    f.authenticator.authenticate(post(k, NOW_S, null, "12345678"), true, NOW);
    f.authenticator.authenticate(post(k, NOW_S, null, "~".repeat(128)), true, NOW);
  }

  @Test
  void authenticate_authorityPathAndQueryInsteadOfTargetUri_accepted() throws Exception {
    URI uri = URI.create("https://warden.example/v1/decisions/01J?view=full");
    Authenticated a =
        f.authenticator.authenticate(
            handSigned(
                AuthFixture.SEED_ONE,
                "GET",
                uri,
                List.of("@method", "@authority", "@path", "@query"),
                NOW_S,
                NONCE,
                "agent-one",
                "ed25519"),
            false,
            NOW);
    assertThat(a.agent().id()).isEqualTo("agent-one");
  }

  @Test
  void authenticate_authorityAndPathOnUriWithoutQuery_accepted() throws Exception {
    URI uri = URI.create("https://warden.example/v1/decisions/01J");
    f.authenticator.authenticate(
        handSigned(
            AuthFixture.SEED_ONE,
            "GET",
            uri,
            List.of("@method", "@authority", "@path"),
            NOW_S,
            NONCE,
            "agent-one",
            "ed25519"),
        false,
        NOW);
  }

  @Test
  void authenticate_withoutAlgParameter_accepted() throws Exception {
    f.authenticator.authenticate(
        handSigned(
            AuthFixture.SEED_ONE,
            "GET",
            URI.create("https://warden.example/v1/x"),
            List.of("@method", "@target-uri"),
            NOW_S,
            NONCE,
            "agent-one",
            null),
        false,
        NOW);
  }

  @Test
  void freshUntil_noExpires_createdPlusMaxAgePlusSkewPlusOneSecond() throws Exception {
    SignatureParameters p =
        f.authenticator
            .authenticate(
                post(ed25519("agent-one", AuthFixture.SEED_ONE), NOW_S, null, NONCE), true, NOW)
            .params();
    assertThat(f.authenticator.freshUntil(p))
        .isEqualTo(Instant.ofEpochSecond(NOW_S + 300 + 30 + 1));
  }

  @Test
  void freshUntil_expiresBeforeMaxAge_expiresPlusOneSecond() throws Exception {
    SignatureParameters p =
        f.authenticator
            .authenticate(
                post(ed25519("agent-one", AuthFixture.SEED_ONE), NOW_S, NOW_S + 20, NONCE),
                true,
                NOW)
            .params();
    assertThat(f.authenticator.freshUntil(p)).isEqualTo(Instant.ofEpochSecond(NOW_S + 21));
  }

  @Test
  void freshUntil_anyAcceptedRequest_isAfterLastMomentItCouldBeAcceptedAgain() throws Exception {
    SigningKey k = ed25519("agent-one", AuthFixture.SEED_ONE);
    for (long created = NOW_S - 300; created <= NOW_S + 30; created += 7) {
      SignatureParameters p =
          f.authenticator.authenticate(post(k, created, null, NONCE), true, NOW).params();
      Instant lastAccepted = Instant.ofEpochSecond(created + 300).plusMillis(999);
      // A replay at the last accepted instant must still find the nonce held.
      f.authenticator.authenticate(post(k, created, null, NONCE), true, lastAccepted);
      assertThat(f.authenticator.freshUntil(p)).isAfter(lastAccepted);
    }
  }
}
