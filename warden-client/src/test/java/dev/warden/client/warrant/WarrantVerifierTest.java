package dev.warden.client.warrant;

import static dev.warden.client.warrant.WarrantFixture.BODY;
import static dev.warden.client.warrant.WarrantFixture.EXPIRES;
import static dev.warden.client.warrant.WarrantFixture.TS;
import static dev.warden.client.warrant.WarrantFixture.entry;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warden.client.warrant.WarrantException.Reason;
import dev.warden.httpsig.SignatureAlgorithms;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class WarrantVerifierTest {
  private static final WarrantFixture KEY = new WarrantFixture(1);
  private static final WarrantFixture OTHER_KEY = new WarrantFixture(2);
  private static final Duration SKEW = WarrantVerifier.DEFAULT_SKEW;
  private static final Instant NOW = TS.plusSeconds(10);

  private final MutableClock clock = new MutableClock(NOW);
  private final UsedWarrants used = UsedWarrants.inMemory(clock, 1_000);
  private final WarrantVerifier verifier =
      new WarrantVerifier(WarrantFixture.keys(KEY), clock, used);

  @Test
  void verify_validWarrant_returnsTheDecisionsFacts() throws Exception {
    VerifiedWarrant w = verifier.verify(KEY.sign(entry()), BODY);

    assertThat(w)
        .isEqualTo(
            new VerifiedWarrant(
                WarrantFixture.DECISION_ID,
                "agent-7",
                "acme",
                "payments.transfer",
                "account/42",
                "sha256:" + "ab".repeat(32),
                41,
                WarrantFixture.ORIGIN,
                EXPIRES));
  }

  @Test
  void verify_bodyInOtherFormatting_verifies() throws Exception {
    assertThat(verifier.verify(KEY.sign(entry()), WarrantFixture.BODY_REFORMATTED).decisionId())
        .isEqualTo(WarrantFixture.DECISION_ID);
  }

  @Test
  void verify_atExpiryPlusSkew_verifies() throws Exception {
    clock.set(EXPIRES.plus(SKEW));

    assertThat(verifier.verify(KEY.sign(entry()), BODY).expires()).isEqualTo(EXPIRES);
  }

  @Test
  void verify_tsAtNowPlusSkew_verifies() throws Exception {
    clock.set(TS.minus(SKEW));

    assertThat(verifier.verify(KEY.sign(entry()), BODY).decisionId())
        .isEqualTo(WarrantFixture.DECISION_ID);
  }

  @Test
  void verify_zeroSkewOneMillisecondAfterExpiry_throwsExpired() {
    clock.set(EXPIRES.plusMillis(1));
    WarrantVerifier strict =
        new WarrantVerifier(WarrantFixture.keys(KEY), clock, Duration.ZERO, used);

    assertThat(reasonOf(() -> strict.verify(KEY.sign(entry()), BODY))).isEqualTo(Reason.EXPIRED);
  }

  @Test
  void verify_refusedWarrant_isNotSpent() throws Exception {
    String jws = KEY.sign(entry());
    assertThat(reasonOf(() -> verifier.verify(jws, "{}".getBytes(UTF_8))))
        .isEqualTo(Reason.DIGEST_MISMATCH);
    clock.set(TS.minus(SKEW).minusMillis(1));
    assertThat(reasonOf(() -> verifier.verify(jws, BODY))).isEqualTo(Reason.NOT_YET_VALID);
    clock.set(NOW);

    assertThat(verifier.verify(jws, BODY).decisionId()).isEqualTo(WarrantFixture.DECISION_ID);
  }

  @Test
  void verify_replayAfterExpiryWithinSkew_throwsAlreadyUsed() throws Exception {
    String jws = KEY.sign(entry());
    verifier.verify(jws, BODY);
    clock.set(EXPIRES.plus(SKEW));

    assertThat(reasonOf(() -> verifier.verify(jws, BODY))).isEqualTo(Reason.ALREADY_USED);
  }

  @Test
  void verify_twoDecisions_eachVerifiesOnce() throws Exception {
    ObjectNode second = entry().put("decision_id", "01JDA8XQ5ZP0000000000000AC");
    verifier.verify(KEY.sign(entry()), BODY);

    assertThat(verifier.verify(KEY.sign(second), BODY).decisionId())
        .isEqualTo("01JDA8XQ5ZP0000000000000AC");
    assertThat(reasonOf(() -> verifier.verify(KEY.sign(second), BODY)))
        .isEqualTo(Reason.ALREADY_USED);
  }

  @Test
  void verify_jwksWithTwoKeys_verifiesWarrantsOfEither() throws Exception {
    WarrantVerifier rotated = new WarrantVerifier(WarrantFixture.keys(OTHER_KEY, KEY), clock, used);
    ObjectNode second = entry().put("decision_id", "01JDA8XQ5ZP0000000000000AC");

    assertThat(rotated.verify(KEY.sign(entry()), BODY).decisionId())
        .isEqualTo(WarrantFixture.DECISION_ID);
    assertThat(rotated.verify(OTHER_KEY.sign(second), BODY).decisionId())
        .isEqualTo("01JDA8XQ5ZP0000000000000AC");
  }

  @Test
  void verify_keyDroppedFromJwks_throwsUnknownKey() {
    WarrantVerifier withoutKey = new WarrantVerifier(WarrantFixture.keys(OTHER_KEY), clock, used);

    WarrantException e =
        catchThrowableOfType(
            WarrantException.class, () -> withoutKey.verify(KEY.sign(entry()), BODY));
    assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_KEY);
    assertThat(e.getMessage()).contains(KEY.kid);
  }

  @Test
  void verify_sameWarrantFromManyThreads_verifiesExactlyOnce() throws Exception {
    String jws = KEY.sign(entry());
    List<Callable<Reason>> attempts = new ArrayList<>();
    for (int i = 0; i < 32; i++) {
      attempts.add(
          () -> {
            try {
              verifier.verify(jws, BODY);
              return null;
            } catch (WarrantException e) {
              return e.reason();
            }
          });
    }
    List<Reason> outcomes = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
      for (Future<Reason> f : pool.invokeAll(attempts)) {
        outcomes.add(f.get());
      }
    }

    assertThat(outcomes.stream().filter(r -> r == null).count()).isEqualTo(1);
    assertThat(outcomes.stream().filter(r -> r == Reason.ALREADY_USED).count()).isEqualTo(31);
  }

  @Test
  void verify_longAttackerAlg_messageStaysShort() {
    String alg = "x".repeat(3_000);
    String jws = KEY.signRaw("{\"alg\":\"" + alg + "\"}", WarrantFixture.canonical(entry()));

    WarrantException e =
        catchThrowableOfType(WarrantException.class, () -> verifier.verify(jws, BODY));
    assertThat(e.reason()).isEqualTo(Reason.BAD_ALGORITHM);
    assertThat(e.getMessage()).hasSizeLessThan(200);
  }

  @Test
  void constructor_skewOutOfRange_throws() {
    WarrantKeys keys = WarrantFixture.keys(KEY);

    assertThatThrownBy(() -> new WarrantVerifier(keys, clock, Duration.ofSeconds(-1), used))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new WarrantVerifier(keys, clock, Duration.ofMinutes(11), used))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /** A token built to fail one check, with the body and time it is presented at. */
  record BadToken(
      String name, Reason reason, String jws, byte[] body, Instant now, boolean replay) {
    BadToken(String name, Reason reason, String jws) {
      this(name, reason, jws, BODY, NOW, false);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badTokens")
  void verify_badToken_throwsItsReason(BadToken bad) throws Exception {
    clock.set(bad.now());
    if (bad.replay()) {
      verifier.verify(bad.jws(), bad.body());
    }

    WarrantException e =
        catchThrowableOfType(WarrantException.class, () -> verifier.verify(bad.jws(), bad.body()));
    assertThat(e).as(bad.name()).isNotNull();
    assertThat(e.reason()).as(e.getMessage()).isEqualTo(bad.reason());
    assertThat(e.getMessage()).isNotBlank().hasSizeLessThan(300);
  }

  @Test
  void badTokens_coverEveryReason() {
    Set<Reason> covered = badTokens().map(BadToken::reason).collect(Collectors.toSet());

    assertThat(covered).isEqualTo(EnumSet.allOf(Reason.class));
  }

  static Stream<BadToken> badTokens() {
    String good = KEY.sign(entry());
    String[] parts = good.split("\\.");
    byte[] payload = WarrantFixture.canonical(entry());
    String canonicalPayload = new String(payload, UTF_8);
    String header = WarrantFixture.header(KEY.kid);
    byte[] signature = Base64.getUrlDecoder().decode(parts[2]);
    byte[] flipped = signature.clone();
    flipped[10] ^= 0x04;
    String hs256Input =
        WarrantFixture.b64(
                ("{\"alg\":\"HS256\",\"kid\":\"" + KEY.kid + "\",\"typ\":\"warden-receipt+jwt\"}")
                    .getBytes(UTF_8))
            + "."
            + parts[1];
    return Stream.of(
        // Structure and encoding.
        new BadToken("two parts", Reason.MALFORMED, parts[0] + "." + parts[1]),
        new BadToken("four parts", Reason.MALFORMED, good + ".x"),
        new BadToken("padded signature", Reason.MALFORMED, good + "=="),
        new BadToken("standard base64 character", Reason.MALFORMED, "+" + good.substring(1)),
        new BadToken("header not JSON", Reason.MALFORMED, KEY.signRaw("alg=EdDSA", payload)),
        new BadToken(
            "header repeats alg",
            Reason.MALFORMED,
            KEY.signRaw("{\"alg\":\"EdDSA\"," + header.substring(1), payload)),
        new BadToken(
            "header with crit",
            Reason.MALFORMED,
            KEY.signRaw(header.replace("}", ",\"crit\":[\"exp\"]}"), payload)),
        new BadToken(
            "header with jku",
            Reason.MALFORMED,
            KEY.signRaw(header.replace("}", ",\"jku\":\"https://evil\"}"), payload)),
        new BadToken(
            "header without typ",
            Reason.MALFORMED,
            KEY.signRaw("{\"alg\":\"EdDSA\",\"kid\":\"" + KEY.kid + "\"}", payload)),
        new BadToken(
            "header with typ JWT",
            Reason.MALFORMED,
            KEY.signRaw(header.replace("warden-receipt+jwt", "JWT"), payload)),
        new BadToken(
            "header without kid",
            Reason.MALFORMED,
            KEY.signRaw("{\"alg\":\"EdDSA\",\"typ\":\"warden-receipt+jwt\"}", payload)),
        // Algorithm.
        new BadToken(
            "alg none",
            Reason.BAD_ALGORITHM,
            WarrantFixture.b64(header.replace("EdDSA", "none").getBytes(UTF_8))
                + "."
                + parts[1]
                + "."),
        new BadToken(
            "alg HS256 keyed with the public key",
            Reason.BAD_ALGORITHM,
            hs256Input
                + "."
                + WarrantFixture.b64(
                    SignatureAlgorithms.signHmacSha256(KEY.publicKey, hs256Input.getBytes(UTF_8)))),
        new BadToken(
            "alg ES256",
            Reason.BAD_ALGORITHM,
            KEY.signRaw(header.replace("EdDSA", "ES256"), payload)),
        new BadToken(
            "alg in lower case",
            Reason.BAD_ALGORITHM,
            KEY.signRaw(header.replace("EdDSA", "eddsa"), payload)),
        new BadToken(
            "alg missing",
            Reason.BAD_ALGORITHM,
            KEY.signRaw(header.replace("\"alg\":\"EdDSA\",", ""), payload)),
        // Key and signature.
        new BadToken("kid of a key not in the JWKS", Reason.UNKNOWN_KEY, OTHER_KEY.sign(entry())),
        new BadToken(
            "tampered payload",
            Reason.BAD_SIGNATURE,
            parts[0]
                + "."
                + WarrantFixture.b64(
                    canonicalPayload.replace("account/42", "account/43").getBytes(UTF_8))
                + "."
                + parts[2]),
        new BadToken(
            "flipped signature bit",
            Reason.BAD_SIGNATURE,
            parts[0] + "." + parts[1] + "." + WarrantFixture.b64(flipped)),
        new BadToken(
            "signature of another key under this kid",
            Reason.BAD_SIGNATURE,
            OTHER_KEY.signRaw(header, payload)),
        new BadToken(
            "truncated signature",
            Reason.BAD_SIGNATURE,
            parts[0] + "." + parts[1] + "." + WarrantFixture.b64(Arrays.copyOf(signature, 63))),
        new BadToken("empty signature", Reason.BAD_SIGNATURE, parts[0] + "." + parts[1] + "."),
        // Payload.
        new BadToken(
            "payload repeats decision",
            Reason.MALFORMED,
            KEY.signRaw(
                header,
                ("{\"decision\":\"deny\"," + canonicalPayload.substring(1)).getBytes(UTF_8))),
        new BadToken(
            "payload is an array", Reason.MALFORMED, KEY.signRaw(header, "[1]".getBytes(UTF_8))),
        new BadToken("entry version 2", Reason.MALFORMED, KEY.sign(entry().put("v", 2))),
        new BadToken(
            "decision_id not a ULID",
            Reason.MALFORMED,
            KEY.sign(entry().put("decision_id", "a b"))),
        new BadToken(
            "negative log_index", Reason.MALFORMED, KEY.sign(entry().put("log_index", -1))),
        new BadToken(
            "request_digest in upper case",
            Reason.MALFORMED,
            KEY.sign(
                entry()
                    .put(
                        "request_digest",
                        "sha256:" + WarrantFixture.digest(BODY).substring(7).toUpperCase()))),
        new BadToken("agent missing", Reason.MALFORMED, KEY.sign(entry().without("agent"))),
        new BadToken(
            "ts without milliseconds",
            Reason.MALFORMED,
            KEY.sign(entry().put("ts", "2026-11-21T23:40:01Z"))),
        new BadToken(
            "expires not a time", Reason.MALFORMED, KEY.sign(entry().put("expires", "tomorrow"))),
        new BadToken(
            "expires before ts",
            Reason.MALFORMED,
            KEY.sign(entry().put("expires", "2026-11-21T23:40:01.122Z"))),
        new BadToken(
            "refusal entry",
            Reason.NOT_A_DECISION,
            KEY.sign(entry().put("kind", "refusal").put("decision", "deny"))),
        new BadToken("admin entry", Reason.NOT_A_DECISION, KEY.sign(entry().put("kind", "admin"))),
        new BadToken(
            "deny decision", Reason.NOT_ALLOWED, KEY.sign(entry().put("decision", "deny"))),
        new BadToken(
            "pending decision", Reason.NOT_ALLOWED, KEY.sign(entry().put("decision", "pending"))),
        new BadToken("no expires", Reason.NO_EXPIRY, KEY.sign(entry().without("expires"))),
        // The request.
        new BadToken(
            "other body",
            Reason.DIGEST_MISMATCH,
            good,
            new String(BODY, UTF_8).replace("acct-7", "acct-8").getBytes(UTF_8),
            NOW,
            false),
        new BadToken(
            "body repeating a member, the last one the allowed value",
            Reason.DIGEST_MISMATCH,
            good,
            ("{\"resource\":\"account/666\"," + new String(BODY, UTF_8).substring(1))
                .getBytes(UTF_8),
            NOW,
            false),
        new BadToken(
            "body with an unpaired surrogate where '?' was allowed",
            Reason.DIGEST_MISMATCH,
            KEY.sign(entry().put("request_digest", WarrantFixture.digest(questionMarkBody("?")))),
            questionMarkBody("\\ud800"),
            NOW,
            false),
        new BadToken(
            "body with trailing data",
            Reason.DIGEST_MISMATCH,
            good,
            (new String(BODY, UTF_8) + " {}").getBytes(UTF_8),
            NOW,
            false),
        new BadToken("empty body", Reason.DIGEST_MISMATCH, good, new byte[0], NOW, false),
        // Time and use.
        new BadToken(
            "expired", Reason.EXPIRED, good, BODY, EXPIRES.plus(SKEW).plusMillis(1), false),
        new BadToken(
            "dated in the future",
            Reason.NOT_YET_VALID,
            good,
            BODY,
            TS.minus(SKEW).minusMillis(1),
            false),
        new BadToken("replayed", Reason.ALREADY_USED, good, BODY, NOW, true));
  }

  private static byte[] questionMarkBody(String memo) {
    return ("{\"action\":\"payments.transfer\",\"memo\":\"" + memo + "\",\"resource\":\"a\"}")
        .getBytes(UTF_8);
  }

  private interface Verification {
    void run() throws Exception;
  }

  private static Reason reasonOf(Verification v) {
    WarrantException e = catchThrowableOfType(WarrantException.class, v::run);
    assertThat(e).as("a WarrantException").isNotNull();
    return e.reason();
  }
}
