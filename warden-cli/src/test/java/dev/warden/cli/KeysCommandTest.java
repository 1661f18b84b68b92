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

/** {@code warden keys}: rotation on a running server, then the CLI audit across it; migration. */
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
    CliTest.Run list = CliTest.run("keys", "list", "--data-dir", dd);
    assertThat(list.out()).contains("checkpoint").contains("retired").contains("active");
    CliTest.Run audit = CliTest.run("audit", "verify", "--data-dir", dd);
    assertThat(audit.exit()).as(audit.out() + audit.err()).isZero();
    assertThat(audit.out()).contains("OK:");
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
