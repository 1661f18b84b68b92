package dev.warden.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warden.audit.AuditResult;
import dev.warden.audit.AuditSource;
import dev.warden.audit.LogAuditor;
import dev.warden.note.LogKeys;
import dev.warden.note.NoteVerifierKey;
import dev.warden.receipt.Jwk;
import dev.warden.receipt.Jwks;
import dev.warden.receipt.ReceiptVerifier;
import dev.warden.receipt.VerifiedReceipt;
import dev.warden.server.doctor.Doctor;
import dev.warden.server.doctor.Finding;
import dev.warden.server.pkcs11.SoftHsm;
import dev.warden.server.pkcs11.SoftHsmControl;
import dev.warden.server.pkcs11.TokenKey;
import dev.warden.server.pkcs11.TokenSigner;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * Warden with its checkpoint and receipt keys in a SoftHSM2 token: receipts and checkpoints signed
 * in the token verify offline with the published keys; a token that refuses makes Warden refuse
 * decisions ({@code signer.unavailable}) and not ready, then serve again when it is back; a start
 * on a token that is not there is refused with the fix.
 */
@ResourceLock(SoftHsm.LOCK)
class TokenKeysTest {
  static final String PAY = "{\"action\":\"payments.transfer\",\"resource\":\"acct/ops\"}";

  @TempDir Path tmp;

  static String keysYaml(TokenKey checkpoint, TokenKey receipt) {
    return "keys:\n  checkpoint:\n    pkcs11: "
        + SoftHsm.yaml(checkpoint)
        + "\n  receipt:\n    pkcs11: "
        + SoftHsm.yaml(receipt)
        + "\n";
  }

  /** Generates the key {@code cfg} names in the token and returns its public key. */
  static byte[] generate(TokenKey cfg) throws Exception {
    try (TokenSigner t = TokenSigner.generate(cfg, k -> null, TestWarden.RANDOM)) {
      return t.publicKey();
    }
  }

  @Test
  void tokenKeysSignCheckpointsAndReceiptsThatVerifyOffline_aFailingTokenFailsClosed()
      throws Exception {
    TokenKey cp = SoftHsm.key("checkpoint");
    TokenKey rc = SoftHsm.key("receipt");
    byte[] cpPublic = generate(cp);
    byte[] rcPublic = generate(rc);
    try (TestWarden w = TestWarden.start(tmp, keysYaml(cp, rc))) {
      LogKeys logKeys = LogKeys.parse(get(w, "/.well-known/warden/log-key").body());
      Jwks jwks = Jwks.parse(get(w, "/.well-known/warden/jwks.json").body());
      NoteVerifierKey vkey = NoteVerifierKey.of("warden.local/log", cpPublic);
      assertThat(logKeys.keys().get(0)).isEqualTo(vkey);
      assertThat(jwks.keys().get(0).kid()).isEqualTo(Jwk.thumbprint(rcPublic));

      TestWarden.Agent agent = w.createAgent("agent-1");
      HttpResponse<String> r = w.send(agent.key(), TestWarden.req(PAY));
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      JsonNode d = TestWarden.json(r);
      // Offline: only the published vkey and JWKS, whose keys are the token's.
      VerifiedReceipt v = ReceiptVerifier.verify(d.path("receipt"), List.of(vkey), jwks);
      assertThat(((VerifiedReceipt.Verified) v.jws()).kid()).isEqualTo(Jwk.thumbprint(rcPublic));
      assertThat(v.entry().path("decision_id").asText()).isEqualTo(d.path("decision_id").asText());
      assertThat(LogAuditor.trusting(List.of(vkey)).audit(AuditSource.of(w.server().store().log())))
          .isInstanceOf(AuditResult.Clean.class);
      // Generated in the token, sensitive and never extractable: the private keys never left it.
      assertThat(SoftHsm.privateKeyFlags(cp)).containsExactly(true, false, true, true);
      assertThat(SoftHsm.privateKeyFlags(rc)).containsExactly(true, false, true, true);

      long size = w.server().commitLog().head().size();
      SoftHsmControl.lockOut();
      try {
        HttpResponse<String> refused = w.send(agent.key(), TestWarden.req(PAY));
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
        assertThat(TestWarden.json(refused).path("code").asText()).isEqualTo("signer.unavailable");
        HttpResponse<String> ready = get(w, "/readyz");
        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(TestWarden.json(ready).path("checks").path("signer").asText())
            .isEqualTo("signer.unavailable");
        assertThat(w.server().commitLog().head().size()).isEqualTo(size); // nothing was logged
      } finally {
        SoftHsmControl.restore();
      }
      assertThat(get(w, "/readyz").statusCode()).isEqualTo(200);
      HttpResponse<String> again = w.send(agent.key(), TestWarden.req(PAY));
      assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
      ReceiptVerifier.verify(TestWarden.json(again).path("receipt"), List.of(vkey), jwks);
    }
  }

  /**
   * {@code warden doctor} reaches keys held in a token through the token, and says when it fails.
   */
  @Test
  void doctor_signsThroughTheToken_andFailsWhenTheTokenDoes() throws Exception {
    TokenKey cp = SoftHsm.key("checkpoint");
    TokenKey rc = SoftHsm.key("receipt");
    generate(cp);
    generate(rc);
    DataDir d;
    try (TestWarden w = TestWarden.start(tmp, keysYaml(cp, rc))) {
      d = w.data;
    }
    List<Finding> findings = Doctor.examine(d, TestKeys.ENV, java.time.Clock.systemUTC());
    assertThat(findings).noneMatch(f -> f.status() == Finding.Status.FAIL);
    assertThat(findings)
        .anySatisfy(
            f -> {
              assertThat(f.check()).isEqualTo("signer");
              assertThat(f.status()).isEqualTo(Finding.Status.OK);
            })
        .anySatisfy(f -> assertThat(f.message()).contains("1 key files"));
    SoftHsmControl.lockOut();
    try {
      assertThat(Doctor.examine(d, TestKeys.ENV, java.time.Clock.systemUTC()))
          .anySatisfy(
              f -> {
                assertThat(f.check()).isIn("keys.unlock", "signer");
                assertThat(f.status()).isEqualTo(Finding.Status.FAIL);
              });
    } finally {
      SoftHsmControl.restore();
    }
  }

  @Test
  void rotationMakesTheNewKeyInTheToken_andARestartUsesIt() throws Exception {
    TokenKey cp = SoftHsm.key("checkpoint");
    TokenKey rc = SoftHsm.key("receipt");
    generate(cp);
    generate(rc);
    try (TestWarden w = TestWarden.start(tmp, keysYaml(cp, rc))) {
      TestWarden.Agent agent = w.createAgent("agent-1");
      JsonNode before = TestWarden.json(w.send(agent.key(), TestWarden.req(PAY)));
      for (String which : List.of("checkpoint", "receipt")) {
        HttpResponse<String> r =
            w.admin("POST", "/v1/admin/keys/rotate", "{\"which\":\"" + which + "\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      }
      w.restart(); // two keys under each label now: the keyring's active one is used
      JsonNode after = TestWarden.json(w.send(agent.key(), TestWarden.req(PAY)));
      LogKeys logKeys = LogKeys.parse(get(w, "/.well-known/warden/log-key").body());
      Jwks jwks = Jwks.parse(get(w, "/.well-known/warden/jwks.json").body());
      // The key init wrote to a file, the token key that replaced it at the first start, the new
      // one the rotation made in the token.
      assertThat(logKeys.keys()).hasSize(3);
      VerifiedReceipt v1 = ReceiptVerifier.verify(before.path("receipt"), logKeys, jwks);
      VerifiedReceipt v2 = ReceiptVerifier.verify(after.path("receipt"), logKeys, jwks);
      assertThat(((VerifiedReceipt.Verified) v2.jws()).kid())
          .isEqualTo(jwks.keys().get(0).kid()) // the active key, published first
          .isNotEqualTo(((VerifiedReceipt.Verified) v1.jws()).kid());
      assertThat(LogAuditor.trusting(logKeys).audit(AuditSource.of(w.server().store().log())))
          .isInstanceOf(AuditResult.Clean.class);
    }
  }

  @Test
  void fileKeysMoveIntoTheToken_byOfflineRotations_startRefusedUntilThen() throws Exception {
    TokenKey cp = SoftHsm.key("checkpoint");
    TokenKey rc = SoftHsm.key("receipt");
    DataDir d = init(keysYaml(cp, rc));
    startRefused(d)
        .hasMessageContaining("there is no Ed25519 key \"" + cp.key() + "\"")
        .hasMessageContaining("warden keys rotate --offline --which checkpoint|receipt");
    for (Keyring.Which which : List.of(Keyring.Which.CHECKPOINT, Keyring.Which.RECEIPT)) {
      KeyManager.rotateOffline(
          d,
          ServerConfig.load(d),
          TestKeys.PROTECTION,
          which,
          "test",
          Clock.systemUTC(),
          TestWarden.RANDOM);
    }
    // The files' private keys are gone; the new ones are in the token, never extractable.
    assertThat(d.checkpointKey()).doesNotExist();
    assertThat(d.receiptKey()).doesNotExist();
    assertThat(SoftHsm.privateKeyFlags(cp)).containsExactly(true, false, true, true);
    try (TestWarden w = TestWarden.start(d)) {
      TestWarden.Agent agent = w.createAgent("agent-1");
      JsonNode decided = TestWarden.json(w.send(agent.key(), TestWarden.req(PAY)));
      LogKeys logKeys = LogKeys.parse(get(w, "/.well-known/warden/log-key").body());
      Jwks jwks = Jwks.parse(get(w, "/.well-known/warden/jwks.json").body());
      VerifiedReceipt v =
          ReceiptVerifier.verify(decided.path("receipt"), List.of(logKeys.keys().get(0)), jwks);
      assertThat(((VerifiedReceipt.Verified) v.jws()).kid()).isEqualTo(jwks.keys().get(0).kid());
      assertThat(w.entries("key")).hasSize(2); // each move is a logged rotation
      assertThat(LogAuditor.trusting(logKeys).audit(AuditSource.of(w.server().store().log())))
          .isInstanceOf(AuditResult.Clean.class);
    }
  }

  @Test
  void aReceiptKeyThatCannotSign_answersSignerUnavailable() throws Exception {
    TokenKey rc = SoftHsm.key("receipt");
    generate(rc);
    try (TestWarden w =
        TestWarden.start(tmp, "keys:\n  receipt:\n    pkcs11: " + SoftHsm.yaml(rc) + "\n")) {
      TestWarden.Agent agent = w.createAgent("agent-1");
      assertThat(w.send(agent.key(), TestWarden.req(PAY)).statusCode()).isEqualTo(200);
      SoftHsmControl.lockOut();
      try {
        HttpResponse<String> refused = w.send(agent.key(), TestWarden.req(PAY));
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
        assertThat(TestWarden.json(refused).path("code").asText()).isEqualTo("signer.unavailable");
        assertThat(get(w, "/readyz").statusCode()).isEqualTo(503);
      } finally {
        SoftHsmControl.restore();
      }
      assertThat(get(w, "/readyz").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void startRefused_onAMissingTokenOrPin_namingTheFix() throws Exception {
    TokenKey cp = SoftHsm.key("checkpoint");
    TokenKey missing = new TokenKey(cp.library(), "no-such-token", cp.key(), cp.pin(), cp.at());
    DataDir d =
        DataDir.init(
            tmp.resolve("data"),
            "127.0.0.1:0",
            TestWarden.RANDOM,
            Clock.systemUTC(),
            TestKeys.PROTECTION);
    java.nio.file.Files.writeString(
        d.config(), keysYaml(missing, cp), java.nio.file.StandardOpenOption.APPEND);
    startRefused(d)
        .hasMessageContaining("the checkpoint key (/keys/checkpoint/pkcs11)")
        .hasMessageContaining("no token labelled \"no-such-token\"")
        .hasMessageContaining("softhsm2-util --init-token --free --label no-such-token");

    java.nio.file.Files.writeString(
        d.config(),
        java.nio.file.Files.readString(d.config())
            .replace("{file: " + SoftHsm.PIN_FILE + "}", "{env: WARDEN_TEST_PIN_NEVER_SET}"));
    startRefused(d)
        .hasMessageContaining("/keys/checkpoint/pkcs11/pin/env")
        .hasMessageContaining("WARDEN_TEST_PIN_NEVER_SET (or WARDEN_TEST_PIN_NEVER_SET_FILE");
  }

  private DataDir init(String keysYaml) throws Exception {
    return TestWarden.init(tmp.resolve("data"), keysYaml);
  }

  private static org.assertj.core.api.AbstractThrowableAssert<?, ? extends Throwable> startRefused(
      DataDir d) {
    return assertThatThrownBy(
            () ->
                WardenServer.start(
                    d,
                    ServerConfig.load(d),
                    Clock.systemUTC(),
                    TestWarden.RANDOM,
                    TestKeys.PROTECTION))
        .isInstanceOf(WardenServer.StartupException.class);
  }

  private static HttpResponse<String> get(TestWarden w, String path) throws Exception {
    return w.http.send(
        HttpRequest.newBuilder(w.uri(path)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
