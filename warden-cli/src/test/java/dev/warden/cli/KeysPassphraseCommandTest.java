package dev.warden.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.crypto.KeyFileException;
import dev.warden.crypto.KeyPassphrase;
import dev.warden.crypto.KeyProtection;
import dev.warden.server.DataDir;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;

/** {@code warden keys passphrase}: the keys move to the new passphrase, and only to it. */
@ResourceLock("java.lang.System.out") // CliTest.run captures System.out and System.err
class KeysPassphraseCommandTest {
  private static final String NEW = "the new passphrase, also not a secret";

  @TempDir Path tmp;

  @Test
  void change_keysOpenWithTheNewPassphraseOnly_andRunningAgainChangesNothing() throws Exception {
    Path dir = tmp.resolve("wd");
    DataDir d =
        DataDir.init(
            dir, "127.0.0.1:0", new SecureRandom(), Clock.systemUTC(), TestKeys.PROTECTION);
    DataDir.Keys before = d.loadKeys(TestKeys.PROTECTION);
    Map<String, String> env =
        Map.of(KeyPassphrase.ENV, TestKeys.PASSPHRASE, KeyPassphrase.NEW_ENV, NEW);

    CliTest.Run r = CliTest.run(env::get, "keys", "passphrase", "--data-dir", dir.toString());
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).contains("checkpoint.key: re-encrypted").contains("new passphrase");

    KeyProtection next = KeyProtection.passphrase(KeyPassphrase.of(NEW));
    DataDir.Keys after = d.loadKeys(next);
    assertThat(after.checkpoint().publicKey()).isEqualTo(before.checkpoint().publicKey());
    assertThat(after.receipt().publicKey()).isEqualTo(before.receipt().publicKey());
    assertThatThrownBy(() -> d.loadKeys(TestKeys.PROTECTION))
        .isInstanceOfSatisfying(
            KeyFileException.class,
            e -> assertThat(e.reason()).isEqualTo(KeyFileException.Reason.WRONG_PASSPHRASE));
    try (var s = Files.list(d.keys())) {
      assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".repass"));
    }

    CliTest.Run again = CliTest.run(env::get, "keys", "passphrase", "--data-dir", dir.toString());
    assertThat(again.exit()).as(again.err()).isZero();
    assertThat(again.out()).contains("already under the new passphrase");
  }

  @Test
  void refused_withoutANewPassphrase_orWhileAServerRuns() throws Exception {
    Path dir = tmp.resolve("wd");
    DataDir d =
        DataDir.init(
            dir, "127.0.0.1:0", new SecureRandom(), Clock.systemUTC(), TestKeys.PROTECTION);
    CliTest.Run none = CliTest.run("keys", "passphrase", "--data-dir", dir.toString());
    assertThat(none.exit()).isEqualTo(2);
    assertThat(none.err()).contains(KeyPassphrase.NEW_ENV_FILE);

    Files.writeString(d.serverAddress(), "http://127.0.0.1:1\n");
    Map<String, String> env =
        Map.of(KeyPassphrase.ENV, TestKeys.PASSPHRASE, KeyPassphrase.NEW_ENV, NEW);
    CliTest.Run running = CliTest.run(env::get, "keys", "passphrase", "--data-dir", dir.toString());
    assertThat(running.exit()).isEqualTo(2);
    assertThat(running.err()).contains("stop it first");
    assertThat(d.loadKeys(TestKeys.PROTECTION).checkpoint()).isNotNull();
  }
}
