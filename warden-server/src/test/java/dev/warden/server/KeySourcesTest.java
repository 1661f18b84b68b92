package dev.warden.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code keys:} section of {@code warden.yaml}: strict, errors at a JSON Pointer. */
final class KeySourcesTest {
  @TempDir Path tmp;

  private DataDir dir(String extra) throws Exception {
    return TestWarden.init(tmp.resolve("data"), extra);
  }

  private static final String GOOD =
      "{library: /usr/lib/softhsm/libsofthsm2.so, token: warden, key: cp,"
          + " pin: {env: WARDEN_PKCS11_PIN}}";

  @Test
  void noKeysSection_bothKeysAreFiles() throws Exception {
    assertThat(ServerConfig.load(dir("")).keys()).isEqualTo(KeySources.FILES);
  }

  @Test
  void pkcs11Key_parsed_pinNotReadUntilTheTokenIsOpened() throws Exception {
    KeySources k =
        ServerConfig.load(dir("keys:\n  checkpoint:\n    pkcs11: " + GOOD + "\n")).keys();
    assertThat(k.receipt()).isNull();
    assertThat(k.checkpoint().library()).isEqualTo(Path.of("/usr/lib/softhsm/libsofthsm2.so"));
    assertThat(k.checkpoint().token()).isEqualTo("warden");
    assertThat(k.checkpoint().key()).isEqualTo("cp");
    assertThat(k.checkpoint().at()).isEqualTo("/keys/checkpoint/pkcs11");
  }

  @Test
  void mistakes_refusedAtTheirPointer() throws Exception {
    refused("keys:\n  hmac:\n    pkcs11: " + GOOD + "\n", "/keys/hmac: unknown field");
    refused("keys:\n  receipt: {file: x}\n", "/keys/receipt/file: unknown field");
    refused("keys:\n  receipt: {}\n", "/keys/receipt/pkcs11: is required");
    refused(
        "keys:\n  checkpoint:\n    pkcs11: " + GOOD.replace("/usr/lib/softhsm/", "") + "\n",
        "/keys/checkpoint/pkcs11/library: must be the absolute path");
    refused(
        "keys:\n  checkpoint:\n    pkcs11: "
            + GOOD.replace("{env: WARDEN_PKCS11_PIN}", "1234")
            + "\n",
        "/keys/checkpoint/pkcs11/pin: must be {env: VARIABLE} or {file: /absolute/path}");
    refused(
        "keys:\n  checkpoint:\n    pkcs11: " + GOOD.replace("key: cp,", "") + "\n",
        "/keys/checkpoint/pkcs11/key: is required");
    refused(
        "keys:\n  checkpoint:\n    pkcs11: " + GOOD.replace("key: cp,", "key: cp, slot: 0,") + "\n",
        "/keys/checkpoint/pkcs11/slot: unknown field");
  }

  private void refused(String yaml, String message) throws Exception {
    Path root = tmp.resolve("data");
    if (Files.exists(root)) {
      try (var files = Files.walk(root)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    DataDir d = dir(yaml);
    assertThatThrownBy(() -> ServerConfig.load(d))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(message);
  }
}
