package dev.warden.auth;

import dev.warden.httpsig.Component;
import dev.warden.httpsig.HttpRequestView;
import dev.warden.httpsig.MessageSigner;
import dev.warden.httpsig.SignatureAlgorithms;
import dev.warden.httpsig.SignatureBase;
import dev.warden.httpsig.SignatureParameters;
import dev.warden.httpsig.SigningKey;
import dev.warden.limits.Limits;
import dev.warden.store.AgentKey;
import dev.warden.store.AgentRecord;
import dev.warden.store.AgentStatus;
import dev.warden.store.KeyAlgorithm;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Registered agents and requests signed for them, with Warden's own signer ({@link MessageSigner})
 * or, for signatures it would never make, by hand from {@link SignatureParameters}.
 */
final class AuthFixture {
  static final Instant NOW = Instant.parse("2026-11-21T23:40:00Z");
  static final long NOW_S = NOW.getEpochSecond();
  static final URI URI_ = URI.create("https://warden.example/v1/decisions");
  static final byte[] BODY =
      "{\"action\":\"a\",\"resource\":\"r\"}".getBytes(StandardCharsets.UTF_8);
  static final String NONCE = "n0nce-0123456789";

  static final byte[] SEED_ONE = seed(1);
  static final byte[] SEED_TWO_K1 = seed(2);
  static final byte[] SEED_TWO_K2 = seed(3);
  static final byte[] SEED_REV_OLD = seed(4);
  static final byte[] SEED_REV_NEW = seed(5);
  static final byte[] SEED_GONE = seed(6);
  static final byte[] SEED_STRANGER = seed(7);
  static final byte[] MAC_SECRET = seed(8);

  final InMemoryAgentStore agents = new InMemoryAgentStore();
  final AgentAuthenticator authenticator = new AgentAuthenticator(agents, Limits.defaults());

  AuthFixture() {
    try {
      agents.create(agent("agent-one", ed("k1", SEED_ONE, null)));
      agents.create(agent("agent-two", ed("k1", SEED_TWO_K1, null), ed("k2", SEED_TWO_K2, null)));
      agents.create(
          agent(
              "agent-rev",
              ed("old", SEED_REV_OLD, NOW.minusSeconds(60)),
              ed("new", SEED_REV_NEW, null)));
      agents.create(agent("agent-gone", ed("k1", SEED_GONE, NOW.minusSeconds(60))));
      agents.create(
          agent(
              "agent-mac",
              new AgentKey(
                  "k1", KeyAlgorithm.HMAC_SHA256, MAC_SECRET, NOW.minusSeconds(3600), null)));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** A POST with {@link #BODY}, signed by Warden's signer. */
  static HttpRequestView post(SigningKey key, long created, @Nullable Long expires, String nonce) {
    return signed(key, "POST", URI_, BODY, created, expires, nonce);
  }

  static HttpRequestView signed(
      SigningKey key,
      String method,
      URI uri,
      byte[] body,
      long created,
      @Nullable Long expires,
      String nonce) {
    Map<String, String> headers = new LinkedHashMap<>();
    if (body.length > 0) {
      headers.put("Content-Type", "application/json");
    }
    Map<String, String> added =
        MessageSigner.of(key).sign(method, uri, headers, body, created, expires, nonce);
    Map<String, List<String>> all = new LinkedHashMap<>();
    headers.forEach((k, v) -> all.put(k, List.of(v)));
    added.forEach((k, v) -> all.put(k, List.of(v)));
    return HttpRequestView.of(method, uri, all);
  }

  /**
   * A request signed by hand over exactly {@code components}, with the given parameters: what a
   * client that does not follow Warden's profile might send.
   */
  static HttpRequestView handSigned(
      byte[] seed,
      String method,
      URI uri,
      List<String> components,
      long created,
      String nonce,
      String keyId,
      @Nullable String alg)
      throws Exception {
    SignatureParameters p =
        SignatureParameters.create(
            components.stream().map(Component::of).toList(),
            created,
            null,
            nonce,
            keyId,
            alg,
            null);
    byte[] base = SignatureBase.build(HttpRequestView.of(method, uri, Map.of()), p);
    byte[] sig = SignatureAlgorithms.signEd25519(seed, base);
    return HttpRequestView.of(
        method,
        uri,
        Map.of(
            "Signature-Input", List.of("sig1=" + p.serialized()),
            "Signature", List.of("sig1=:" + Base64.getEncoder().encodeToString(sig) + ":")));
  }

  static SigningKey ed25519(String keyId, byte[] seed) {
    return SigningKey.ed25519(keyId, seed);
  }

  private static AgentRecord agent(String id, AgentKey... keys) {
    return new AgentRecord(
        id,
        "acme",
        AgentStatus.ACTIVE,
        Map.of("team", "payments"),
        List.of(keys),
        NOW.minusSeconds(3600),
        NOW.minusSeconds(3600));
  }

  private static AgentKey ed(String keyId, byte[] seed, @Nullable Instant revokedAt) {
    return new AgentKey(
        keyId,
        KeyAlgorithm.ED25519,
        SignatureAlgorithms.ed25519PublicKey(seed),
        NOW.minusSeconds(3600),
        revokedAt);
  }

  private static byte[] seed(int n) {
    byte[] s = new byte[32];
    java.util.Arrays.fill(s, (byte) n);
    s[31] = (byte) (n * 37);
    return s;
  }
}
