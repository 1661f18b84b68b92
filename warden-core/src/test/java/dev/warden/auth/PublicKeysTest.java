package dev.warden.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.warden.crypto.Ed25519KeyPair;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link PublicKeys#parseEd25519}: each accepted form of an agent's public key, and refusals. */
class PublicKeysTest {
  // RFC 8032 §7.1 TEST 1 public key; its base64 holds a "/", so its base64url differs.
  private static final byte[] KEY =
      HexFormat.of().parseHex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");

  @TempDir Path dir;

  @Test
  void parseEd25519_rawBase64_returnsKey() {
    String b64 = Base64.getEncoder().encodeToString(KEY);
    assertThat(b64).containsAnyOf("+", "/");
    assertThat(PublicKeys.parseEd25519(b64)).isEqualTo(KEY);
    assertThat(PublicKeys.parseEd25519("  " + b64 + "\n")).isEqualTo(KEY);
  }

  @Test
  void parseEd25519_base64urlWithAndWithoutPadding_returnsKey() {
    String url = Base64.getUrlEncoder().encodeToString(KEY);
    assertThat(url).containsAnyOf("-", "_");
    assertThat(PublicKeys.parseEd25519(url)).isEqualTo(KEY);
    assertThat(PublicKeys.parseEd25519(Base64.getUrlEncoder().withoutPadding().encodeToString(KEY)))
        .isEqualTo(KEY);
  }

  @Test
  void parseEd25519_jwk_returnsX() {
    String jwk =
        "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\""
            + Base64.getUrlEncoder().withoutPadding().encodeToString(KEY)
            + "\",\"kid\":\"k1\"}";
    assertThat(PublicKeys.parseEd25519(jwk)).isEqualTo(KEY);
  }

  @Test
  void parseEd25519_jwkWithPrivateKeyD_throws() {
    String jwk =
        "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\""
            + Base64.getUrlEncoder().withoutPadding().encodeToString(KEY)
            + "\",\"d\":\"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A\"}";
    assertThatThrownBy(() -> PublicKeys.parseEd25519(jwk))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("private key");
  }

  @Test
  void parseEd25519_jwkOtherCurveOrType_throws() {
    String x = Base64.getUrlEncoder().withoutPadding().encodeToString(KEY);
    for (String jwk :
        new String[] {
          "{\"kty\":\"OKP\",\"crv\":\"X25519\",\"x\":\"" + x + "\"}",
          "{\"kty\":\"EC\",\"crv\":\"Ed25519\",\"x\":\"" + x + "\"}",
          "{\"x\":\"" + x + "\"}"
        }) {
      assertThatThrownBy(() -> PublicKeys.parseEd25519(jwk))
          .as(jwk)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("OKP");
    }
  }

  @Test
  void parseEd25519_jwkXWrongLengthOrNotBase64url_throws() {
    String shortX = Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[31]);
    assertThatThrownBy(
            () ->
                PublicKeys.parseEd25519(
                    "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"" + shortX + "\"}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("32 bytes");
    String std = Base64.getEncoder().encodeToString(KEY); // '+' is not base64url
    assertThatThrownBy(
            () ->
                PublicKeys.parseEd25519(
                    "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"" + std + "\"}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("base64url");
  }

  @Test
  void parseEd25519_spkiPem_returnsKey() {
    assertThat(PublicKeys.parseEd25519(Ed25519KeyPair.toSpkiPem(KEY))).isEqualTo(KEY);
  }

  @Test
  void parseEd25519_privateKeyPem_throws() {
    String pem =
        new String(Ed25519KeyPair.fromSeed(new byte[32]).toPkcs8Pem(), StandardCharsets.US_ASCII);
    assertThatThrownBy(() -> PublicKeys.parseEd25519(pem))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PUBLIC KEY");
  }

  @Test
  void parseEd25519_opensslPubout_returnsKeyOfThatPrivateKey() throws Exception {
    Path key = dir.resolve("agent.pem");
    assumeTrue(
        exec("openssl", "genpkey", "-algorithm", "ed25519", "-out", key.toString()) != null,
        "openssl is not installed");
    String pub = exec("openssl", "pkey", "-in", key.toString(), "-pubout");
    assertThat(pub).isNotNull();

    assertThat(PublicKeys.parseEd25519(pub))
        .isEqualTo(Ed25519KeyPair.fromPkcs8Pem(Files.readString(key)).publicKey());
  }

  @Test
  void parseEd25519_base64OfWrongLength_throwsNamingLength() {
    assertThatThrownBy(
            () -> PublicKeys.parseEd25519(Base64.getEncoder().encodeToString(new byte[31])))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("32 bytes")
        .hasMessageContaining("31");
    assertThatThrownBy(
            () -> PublicKeys.parseEd25519(Base64.getEncoder().encodeToString(new byte[64])))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("64");
  }

  @Test
  void parseEd25519_notBase64_throwsNamingAcceptedForms() {
    for (String s : new String[] {"not a key!", "", "ab+c-d", "{not json"}) {
      assertThatThrownBy(() -> PublicKeys.parseEd25519(s))
          .as("'%s'", s)
          .isInstanceOf(IllegalArgumentException.class);
    }
    assertThatThrownBy(() -> PublicKeys.parseEd25519("not a key!"))
        .hasMessageContaining("JWK")
        .hasMessageContaining("PEM");
  }

  /** Runs a command; its stdout, or null if it could not run or failed. */
  private static String exec(String... command) throws InterruptedException {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        return null;
      }
      return out;
    } catch (IOException e) {
      return null;
    }
  }
}
