package dev.warden.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warden.audit.AuditResult;
import dev.warden.audit.AuditSource;
import dev.warden.audit.LogAuditor;
import dev.warden.crypto.KeyFileException;
import dev.warden.crypto.KeyPassphrase;
import dev.warden.crypto.KeyProtection;
import dev.warden.note.LogKeys;
import dev.warden.receipt.Jwks;
import dev.warden.receipt.ReceiptException;
import dev.warden.receipt.ReceiptVerifier;
import dev.warden.receipt.VerifiedReceipt;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Warden's own keys on a real server: refused starts (each message says what to run), rotation
 * while serving (receipts from before and after verify offline with the published keys, the log
 * audits across it), and revocation of a compromised key.
 */
class KeysTest {
  static final String PAY = "{\"action\":\"payments.transfer\",\"resource\":\"acct/ops\"}";

  @TempDir Path tmp;

  private DataDir init() throws Exception {
    return DataDir.init(
        tmp.resolve("d"), "127.0.0.1:0", TestWarden.RANDOM, Clock.systemUTC(), TestKeys.PROTECTION);
  }

  private static WardenServer start(DataDir d, KeyProtection keys) throws Exception {
    return WardenServer.start(d, ServerConfig.load(d), Clock.systemUTC(), TestWarden.RANDOM, keys);
  }

  @Test
  void init_writesEncryptedPkcs8Keys() throws Exception {
    DataDir d = init();
    for (Path p : List.of(d.checkpointKey(), d.receiptKey(), d.paramsHmacKey())) {
      assertThat(Files.readString(p)).startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(p)))
          .isEqualTo("rw-------");
    }
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(d.keys())))
        .isEqualTo("rwx------");
  }

  @Test
  void start_worldReadableKey_refusedWithChmod() throws Exception {
    DataDir d = init();
    Files.setPosixFilePermissions(d.receiptKey(), PosixFilePermissions.fromString("rw-r--r--"));
    assertThatThrownBy(() -> start(d, TestKeys.PROTECTION))
        .isInstanceOf(WardenServer.StartupException.class)
        .hasMessageContaining("chmod 600 " + d.receiptKey());
  }

  @Test
  void start_activeKeyRevokedAsCompromised_refusedNamingTheRotation() throws Exception {
    DataDir d = init();
    com.fasterxml.jackson.databind.ObjectMapper json =
        new com.fasterxml.jackson.databind.ObjectMapper();
    var ring = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(d.keyring().toFile());
    ring.withArray("keys")
        .forEach(
            k -> {
              if (k.path("which").asText().equals("checkpoint")) {
                ((com.fasterxml.jackson.databind.node.ObjectNode) k)
                    .put("compromised_since", "2026-01-01T00:00:00Z");
              }
            });
    json.writeValue(d.keyring().toFile(), ring);
    assertThatThrownBy(() -> start(d, TestKeys.PROTECTION))
        .isInstanceOf(WardenServer.StartupException.class)
        .hasMessageContaining("revoked as compromised")
        .hasMessageContaining("warden keys rotate --offline --which checkpoint");
  }

  @Test
  void start_groupReadableKeysDir_refusedWithChmod() throws Exception {
    DataDir d = init();
    Files.setPosixFilePermissions(d.keys(), PosixFilePermissions.fromString("rwxr-x---"));
    assertThatThrownBy(() -> start(d, TestKeys.PROTECTION))
        .isInstanceOf(WardenServer.StartupException.class)
        .hasMessageContaining("chmod 700 " + d.keys());
  }

  @Test
  void start_wrongPassphrase_refusedWithoutDetail() throws Exception {
    DataDir d = init();
    KeyProtection wrong = KeyProtection.passphrase(KeyPassphrase.of("not the right passphrase"));
    assertThatThrownBy(() -> start(d, wrong))
        .isInstanceOf(WardenServer.StartupException.class)
        .hasMessageContaining("the key passphrase does not decrypt this key")
        .hasMessageContaining("WARDEN_KEY_PASSPHRASE_FILE");
  }

  @Test
  void start_noPassphrase_refusedSayingHowToSetOne() {
    assertThatThrownBy(() -> KeyProtection.fromEnvironment(Map.<String, String>of()::get, false))
        .isInstanceOf(KeyFileException.class)
        .hasMessageContaining("export WARDEN_KEY_PASSPHRASE_FILE=")
        .hasMessageContaining("--insecure-plaintext-keys");
  }

  @Test
  void start_encryptedKeysWithoutPassphrase_refused() throws Exception {
    DataDir d = init();
    assertThatThrownBy(() -> start(d, KeyProtection.insecurePlaintext()))
        .isInstanceOf(WardenServer.StartupException.class)
        .hasMessageContaining("is encrypted")
        .hasMessageContaining("WARDEN_KEY_PASSPHRASE_FILE");
  }

  @Test
  void start_plaintextKeys_refusedNamingTheMigration() throws Exception {
    DataDir d =
        DataDir.init(
            tmp.resolve("p"),
            "127.0.0.1:0",
            TestWarden.RANDOM,
            Clock.systemUTC(),
            KeyProtection.insecurePlaintext());
    assertThat(Files.readString(d.checkpointKey())).startsWith("-----BEGIN PRIVATE KEY-----");
    assertThatThrownBy(() -> start(d, TestKeys.PROTECTION))
        .isInstanceOf(WardenServer.StartupException.class)
        .hasMessageContaining("warden keys encrypt --data-dir " + d.root());
    // With the development switch it starts, and says so in the log.
    try (WardenServer s = start(d, KeyProtection.insecurePlaintext())) {
      assertThat(
              s.store().log().read(0, 10).stream()
                  .map(e -> new String(e.entry(), java.nio.charset.StandardCharsets.UTF_8))
                  .anyMatch(e -> e.contains("server.plaintext_keys_allowed")))
          .isTrue();
    }
  }

  @Test
  void rotate_whileServing_oldAndNewReceiptsVerify_logAuditsAcrossIt() throws Exception {
    try (TestWarden w = TestWarden.start(tmp)) {
      TestWarden.Agent agent = w.createAgent("agent-1");
      JsonNode before = TestWarden.json(w.send(agent.key(), TestWarden.req(PAY)));
      List<String> rotated = new ArrayList<>();
      for (String which : List.of("checkpoint", "receipt", "hmac")) {
        HttpResponse<String> r =
            w.admin("POST", "/v1/admin/keys/rotate", "{\"which\":\"" + which + "\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        rotated.add(TestWarden.json(r).path("new_key").asText());
      }
      JsonNode after =
          TestWarden.json(
              w.send(
                  agent.key(),
                  TestWarden.req(
                      "{\"action\":\"payments.transfer\",\"resource\":\"acct/ops\","
                          + "\"params\":{\"to\":\"x\"}}")));

      LogKeys logKeys = LogKeys.parse(get(w, "/.well-known/warden/log-key"));
      Jwks jwks = Jwks.parse(get(w, "/.well-known/warden/jwks.json"));
      assertThat(logKeys.keys()).hasSize(2);
      assertThat(jwks.keys()).hasSize(2);
      VerifiedReceipt v1 = ReceiptVerifier.verify(before.path("receipt"), logKeys, jwks);
      VerifiedReceipt v2 = ReceiptVerifier.verify(after.path("receipt"), logKeys, jwks);
      assertThat(((VerifiedReceipt.Verified) v1.jws()).kid())
          .isNotEqualTo(((VerifiedReceipt.Verified) v2.jws()).kid());
      assertThat(((VerifiedReceipt.Verified) v2.jws()).kid()).isEqualTo(rotated.get(1));
      // The new checkpoint key signed the later receipt's checkpoint; the old one alone does not
      // verify it.
      assertThatThrownBy(
              () ->
                  ReceiptVerifier.verify(
                      after.path("receipt"), List.of(logKeys.keys().get(1)), jwks))
          .isInstanceOf(ReceiptException.class);
      // New params HMACs name the new key.
      assertThat(v2.entry().path("params_key").asText()).isEqualTo(rotated.get(2));

      // Each rotation is a key entry.
      List<JsonNode> keyEntries = w.entries("key");
      assertThat(keyEntries).hasSize(3);
      assertThat(keyEntries.get(0).path("op").asText()).isEqualTo("rotate");
      assertThat(keyEntries.get(0).path("details").path("new_key").asText())
          .isEqualTo(rotated.get(0));

      // The whole log audits with the published keys, and the server restarts on it.
      AuditResult result =
          LogAuditor.trusting(logKeys).audit(AuditSource.of(w.server().store().log()));
      assertThat(result).isInstanceOf(AuditResult.Clean.class);
      w.restart();
      JsonNode third = TestWarden.json(w.send(agent.key(), TestWarden.req(PAY)));
      ReceiptVerifier.verify(third.path("receipt"), logKeys, jwks);
    }
  }

  @Test
  void revoke_compromisedReceiptKey_flagsReceiptsFromThenOn_warnsBefore() throws Exception {
    try (TestWarden w = TestWarden.start(tmp)) {
      TestWarden.Agent agent = w.createAgent("agent-1");
      JsonNode old = TestWarden.json(w.send(agent.key(), TestWarden.req(PAY)));
      Instant ts =
          Instant.parse(
              TestWarden.JSON
                  .readTree(old.path("receipt").path("proof").path("entry").asText())
                  .path("ts")
                  .asText());
      String oldKid = null;
      for (JsonNode k : TestWarden.json(w.admin("GET", "/v1/admin/keys", null)).path("keys")) {
        if (k.path("which").asText().equals("receipt")) {
          oldKid = k.path("id").asText();
        }
      }
      assertThat(oldKid).isNotNull();

      // The active key cannot be revoked: rotate first.
      HttpResponse<String> refused =
          w.admin(
              "POST",
              "/v1/admin/keys/revoke",
              "{\"which\":\"receipt\",\"key\":\""
                  + oldKid
                  + "\",\"compromised_since\":\""
                  + ts
                  + "\"}");
      assertThat(refused.statusCode()).isEqualTo(409);
      assertThat(refused.body()).contains("rotate it first");
      Path backup = tmp.resolve("receipt.key.backup");
      Files.copy(w.data.receiptKey(), backup);
      assertThat(w.admin("POST", "/v1/admin/keys/rotate", "{\"which\":\"receipt\"}").statusCode())
          .isEqualTo(200);

      // Compromised only after the receipt's entry: valid, with a warning.
      revoke(w, "receipt", oldKid, ts.plusSeconds(3600));
      LogKeys logKeys = LogKeys.parse(get(w, "/.well-known/warden/log-key"));
      String jwksText = get(w, "/.well-known/warden/jwks.json");
      assertThat(jwksText)
          .contains("\"warden_compromised_since\":\"" + ts.plusSeconds(3600) + "\"");
      VerifiedReceipt v =
          ReceiptVerifier.verify(old.path("receipt"), logKeys, Jwks.parse(jwksText));
      assertThat(v.warnings()).singleElement().asString().contains("compromised");

      // Compromised from the entry's time on: refused as compromised.
      revoke(w, "receipt", oldKid, ts);
      Jwks jwks = Jwks.parse(get(w, "/.well-known/warden/jwks.json"));
      assertThatThrownBy(() -> ReceiptVerifier.verify(old.path("receipt"), logKeys, jwks))
          .isInstanceOfSatisfying(
              ReceiptException.class,
              e -> assertThat(e.reason()).isEqualTo(ReceiptException.Reason.KEY_COMPROMISED));
      assertThat(w.entries("key").stream().filter(e -> e.path("op").asText().equals("revoke")))
          .hasSize(2);

      // The compromised key brought back (a restore from an old backup) is refused at start,
      // before the store is opened.
      Files.copy(backup, w.data.receiptKey(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      assertThatThrownBy(() -> start(w.data, TestKeys.PROTECTION))
          .isInstanceOf(WardenServer.StartupException.class)
          .hasMessageContaining("revoked as compromised")
          .hasMessageContaining("warden keys rotate --offline --which receipt");
    }
  }

  @Test
  void revoke_compromisedCheckpointKey_auditFlagsItsCheckpoints() throws Exception {
    try (TestWarden w = TestWarden.start(tmp)) {
      TestWarden.Agent agent = w.createAgent("agent-1");
      JsonNode old = TestWarden.json(w.send(agent.key(), TestWarden.req(PAY)));
      String vkey = get(w, "/.well-known/warden/log-key").strip();
      assertThat(
              w.admin("POST", "/v1/admin/keys/rotate", "{\"which\":\"checkpoint\"}").statusCode())
          .isEqualTo(200);
      revoke(w, "checkpoint", vkey, Instant.parse("2000-01-01T00:00:00Z"));
      LogKeys logKeys = LogKeys.parse(get(w, "/.well-known/warden/log-key"));
      assertThat(get(w, "/.well-known/warden/log-key"))
          .contains(vkey + " compromised_since=2000-01-01T00:00:00Z");
      assertThatThrownBy(() -> ReceiptVerifier.verify(old.path("receipt"), logKeys, null))
          .isInstanceOfSatisfying(
              ReceiptException.class,
              e -> assertThat(e.reason()).isEqualTo(ReceiptException.Reason.KEY_COMPROMISED));
      AuditResult result =
          LogAuditor.trusting(logKeys).audit(AuditSource.of(w.server().store().log()));
      assertThat(result)
          .isInstanceOfSatisfying(
              AuditResult.Damaged.class,
              d -> assertThat(d.kind()).isEqualTo(AuditResult.Kind.COMPROMISED_KEY));
    }
  }

  private static void revoke(TestWarden w, String which, String key, Instant since)
      throws Exception {
    HttpResponse<String> r =
        w.admin(
            "POST",
            "/v1/admin/keys/revoke",
            "{\"which\":\""
                + which
                + "\",\"key\":\""
                + key
                + "\",\"compromised_since\":\""
                + since
                + "\"}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
  }

  private static String get(TestWarden w, String path) throws Exception {
    HttpResponse<String> r =
        w.http.send(
            HttpRequest.newBuilder(w.uri(path)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as("%s: %s", path, r.body()).isEqualTo(200);
    return r.body();
  }
}
