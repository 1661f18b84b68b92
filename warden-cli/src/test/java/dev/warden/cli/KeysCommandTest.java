package dev.warden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.server.DataDir;
import dev.warden.server.ServerConfig;
import dev.warden.server.WardenServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;

/** {@code warden keys}: rotation on a running server, then the CLI audit across it; migration. */
@ResourceLock("java.lang.System.out") // CliTest.run captures System.out and System.err
class KeysCommandTest {
  @TempDir Path tmp;

  @Test
  void rotate_thenAuditVerify_passesAcrossTheRotation() throws Exception {
    Path dir = tmp.resolve("wd");
    DataDir d =
        DataDir.init(
            dir, "127.0.0.1:0", new SecureRandom(), Clock.systemUTC(), TestKeys.PROTECTION);
    String dd = dir.toString();
    try (WardenServer server =
        WardenServer.start(
            d, ServerConfig.load(d), Clock.systemUTC(), new SecureRandom(), TestKeys.PROTECTION)) {
      assertThat(CliTest.run("agent", "create", "bot-1", "--data-dir", dd).exit()).isZero();
      CliTest.Run r = CliTest.run("keys", "rotate", "--which", "checkpoint", "--data-dir", dd);
      assertThat(r.exit()).as(r.err()).isZero();
      assertThat(r.out()).contains("Rotated the checkpoint key");
      assertThat(CliTest.run("agent", "create", "bot-2", "--data-dir", dd).exit()).isZero();
    }
    CliTest.Run offline =
        CliTest.run("keys", "rotate", "--which", "checkpoint", "--offline", "--data-dir", dd);
    assertThat(offline.exit()).as(offline.err()).isZero();
    assertThat(offline.out()).contains("(offline)");
    // The server starts on the log signed under three checkpoint keys and goes on.
    try (WardenServer server =
        WardenServer.start(
            d, ServerConfig.load(d), Clock.systemUTC(), new SecureRandom(), TestKeys.PROTECTION)) {
      assertThat(CliTest.run("agent", "create", "bot-3", "--data-dir", dd).exit()).isZero();
      CliTest.Run busy =
          CliTest.run("keys", "rotate", "--which", "hmac", "--offline", "--data-dir", dd);
      assertThat(busy.exit()).isEqualTo(2);
      assertThat(busy.err()).contains("rotate without --offline");
    }
    CliTest.Run list = CliTest.run("keys", "list", "--data-dir", dd);
    assertThat(list.out()).contains("checkpoint").contains("retired").contains("active");
    CliTest.Run audit = CliTest.run("audit", "verify", "--data-dir", dd);
    assertThat(audit.exit()).as(audit.out() + audit.err()).isZero();
    assertThat(audit.out()).contains("OK:");
  }

  @Test
  void verify_receiptOfKeyRevokedAsCompromised_exits1_beforeRevocationExits0() throws Exception {
    Path dir = tmp.resolve("wd");
    DataDir d =
        DataDir.init(
            dir, "127.0.0.1:0", new SecureRandom(), Clock.systemUTC(), TestKeys.PROTECTION);
    String dd = dir.toString();
    try (WardenServer server =
        WardenServer.start(
            d, ServerConfig.load(d), Clock.systemUTC(), new SecureRandom(), TestKeys.PROTECTION)) {
      CliTest.Run sent = CliTest.firstPayment(dd);
      Path answer = Files.writeString(tmp.resolve("answer.json"), sent.out());
      String jws = CliTest.JSON.readTree(sent.out()).path("receipt").path("jws").asText();
      String oldKid =
          CliTest.JSON
              .readTree(java.util.Base64.getUrlDecoder().decode(jws.substring(0, jws.indexOf('.'))))
              .path("kid")
              .asText();

      assertThat(CliTest.run("keys", "rotate", "--which", "receipt", "--data-dir", dd).exit())
          .isZero();
      Path logKey = fetch(server, "/.well-known/warden/log-key", "log-key.txt");
      Path jwks = fetch(server, "/.well-known/warden/jwks.json", "jwks.json");
      CliTest.Run ok = CliTest.verify(answer, logKey, jwks);
      assertThat(ok.exit()).as(ok.out() + ok.err()).isZero();

      CliTest.Run revoked =
          CliTest.run(
              "keys",
              "revoke",
              "--which",
              "receipt",
              "--key",
              oldKid,
              "--compromised-since",
              "2000-01-01T00:00:00Z",
              "--data-dir",
              dd);
      assertThat(revoked.exit()).as(revoked.err()).isZero();
      jwks = fetch(server, "/.well-known/warden/jwks.json", "jwks2.json");
      CliTest.Run bad =
          CliTest.run(
              "verify",
              answer.toString(),
              "--log-key",
              logKey.toString(),
              "--jwks",
              jwks.toString());
      assertThat(bad.exit()).isEqualTo(1);
      assertThat(bad.out()).startsWith("FAIL: KEY_COMPROMISED: receipt key " + oldKid);
    }
  }

  private Path fetch(WardenServer server, String path, String name) throws Exception {
    java.net.http.HttpResponse<String> r =
        java.net.http.HttpClient.newHttpClient()
            .send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(server.url() + path))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return Files.writeString(tmp.resolve(name), r.body());
  }

  @Test
  void encrypt_plaintextDataDir_thenServeStartsWithThePassphrase() throws Exception {
    Path dir = tmp.resolve("plain");
    String dd = dir.toString();
    CliTest.Run init =
        CliTest.run(
            Map.<String, String>of()::get, "init", "--data-dir", dd, "--insecure-plaintext-keys");
    assertThat(init.exit()).as(init.err()).isZero();
    DataDir d = new DataDir(dir);
    assertThat(Files.readString(d.receiptKey())).startsWith("-----BEGIN PRIVATE KEY-----");

    CliTest.Run noPass = CliTest.run(Map.<String, String>of()::get, "init", "--data-dir", dd + "2");
    assertThat(noPass.exit()).isEqualTo(2);
    assertThat(noPass.err()).contains("WARDEN_KEY_PASSPHRASE_FILE");

    CliTest.Run enc = CliTest.run("keys", "encrypt", "--data-dir", dd);
    assertThat(enc.exit()).as(enc.err()).isZero();
    assertThat(Files.readString(d.receiptKey()))
        .startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----");
    assertThat(Files.readString(d.paramsHmacKey()))
        .startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----");
    try (WardenServer s =
        WardenServer.start(
            d,
            ServerConfig.load(d),
            Clock.systemUTC(),
            new SecureRandom(),
            dev.warden.crypto.KeyProtection.fromEnvironment(TestKeys.ENV, false))) {
      assertThat(s.url()).startsWith("http://127.0.0.1:");
    }
  }
}
