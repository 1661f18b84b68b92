package dev.warden.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyPassphraseTest {
  @TempDir Path dir;

  private Path file(String content, String mode) throws Exception {
    Path f = dir.resolve("pass-" + System.nanoTime());
    Files.writeString(f, content);
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(mode));
    return f;
  }

  @Test
  void fromEnvironment_file_trailingNewlineStripped_sameKeyAsTheValue() throws Exception {
    Path f = file("a passphrase of some length\n", "rw-------");
    KeyPassphrase fromFile =
        KeyPassphrase.fromEnvironment(Map.of(KeyPassphrase.ENV_FILE, f.toString())::get);
    KeyPassphrase fromValue =
        KeyPassphrase.fromEnvironment(
            Map.of(KeyPassphrase.ENV, "a passphrase of some length")::get);
    String pem =
        EncryptedPkcs8.encrypt(
            Ed25519KeyPair.generate(new SecureRandom()).toPkcs8Der(),
            fromFile,
            new SecureRandom(),
            1_000);
    assertThat(EncryptedPkcs8.decrypt(pem, fromValue, "k")).hasSize(48);
    assertThat(fromFile.toString()).doesNotContain("passphrase of");
  }

  @Test
  void fromEnvironment_looseFile_refusedWithChmod() throws Exception {
    Path f = file("a passphrase of some length\n", "rw-r-----");
    assertThatThrownBy(
            () -> KeyPassphrase.fromEnvironment(Map.of(KeyPassphrase.ENV_FILE, f.toString())::get))
        .isInstanceOf(KeyFileException.class)
        .hasMessageContaining("chmod 600 " + f);
  }

  @Test
  void fromEnvironment_bothSetOrTooShort_refused_noneSetIsNull() throws Exception {
    Path f = file("a passphrase of some length", "rw-------");
    assertThatThrownBy(
            () ->
                KeyPassphrase.fromEnvironment(
                    Map.of(KeyPassphrase.ENV, "x".repeat(20), KeyPassphrase.ENV_FILE, f.toString())
                        ::get))
        .hasMessageContaining("unset one of them");
    assertThatThrownBy(() -> KeyPassphrase.fromEnvironment(Map.of(KeyPassphrase.ENV, "short")::get))
        .hasMessageContaining("shorter than 12");
    assertThat(KeyPassphrase.fromEnvironment(Map.<String, String>of()::get)).isNull();
  }

  @Test
  void decrypt_wrongPassphrase_saysSoWithoutDetail() throws Exception {
    String pem =
        EncryptedPkcs8.encrypt(
            HmacKey.generate(new SecureRandom()).toPkcs8Der(),
            KeyPassphrase.of("the right passphrase"),
            new SecureRandom(),
            1_000);
    assertThatThrownBy(
            () -> EncryptedPkcs8.decrypt(pem, KeyPassphrase.of("the wrong passphrase"), "k.key"))
        .isInstanceOfSatisfying(
            KeyFileException.class,
            e -> assertThat(e.reason()).isEqualTo(KeyFileException.Reason.WRONG_PASSPHRASE))
        .hasMessageStartingWith("k.key: the key passphrase does not decrypt this key");
    byte[] der = EncryptedPkcs8.decrypt(pem, KeyPassphrase.of("the right passphrase"), "k.key");
    assertThat(HmacKey.fromPkcs8Der(der).id()).startsWith("hk-");
  }
}
