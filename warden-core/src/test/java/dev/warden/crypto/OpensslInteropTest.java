package dev.warden.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.warden.httpsig.SignatureAlgorithms;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ed25519 key files and signatures against the {@code openssl} command line (OpenSSL 3), an
 * implementation Warden did not write. Skipped, not failed, where {@code openssl} is not installed.
 */
class OpensslInteropTest {
  @TempDir Path dir;

  @BeforeAll
  static void requireOpenssl() {
    boolean present;
    try {
      present = run(List.of("openssl", "version"), null).exit == 0;
    } catch (IOException e) {
      present = false;
    }
    assumeTrue(present, "openssl is not installed");
  }

  @Test
  void encryptedPkcs8_ourFile_opensslDecryptsToTheSamePublicKey() throws Exception {
    Ed25519KeyPair kp = Ed25519KeyPair.generate(new SecureRandom());
    Path key = dir.resolve("enc.pem");
    KeyFiles.writeNew(
        key,
        KeyProtection.passphrase(KeyPassphrase.of("correct horse battery"))
            .seal(kp.toPkcs8Der(), new SecureRandom()));
    assertThat(Files.readString(key)).startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----");

    Result r =
        run(
            List.of(
                "openssl",
                "pkey",
                "-in",
                key.toString(),
                "-passin",
                "pass:correct horse battery",
                "-pubout"),
            null);

    assertThat(r.exit).as(r.err).isZero();
    assertThat(r.out).isEqualTo(Ed25519KeyPair.toSpkiPem(kp.publicKey()));
    Result wrong =
        run(
            List.of("openssl", "pkey", "-in", key.toString(), "-passin", "pass:wrong", "-pubout"),
            null);
    assertThat(wrong.exit).isNotZero();
  }

  @Test
  void encryptedPkcs8_opensslPkcs8Topk8_loadsWithOpensslsPublicKey() throws Exception {
    Path plain = dir.resolve("plain.pem");
    Path enc = dir.resolve("enc.pem");
    assertThat(
            run(
                    List.of(
                        "openssl", "genpkey", "-algorithm", "ed25519", "-out", plain.toString()),
                    null)
                .exit)
        .isZero();
    Result topk8 =
        run(
            List.of(
                "openssl",
                "pkcs8",
                "-topk8",
                "-v2",
                "aes-256-cbc",
                "-v2prf",
                "hmacWithSHA256",
                "-iter",
                "600000",
                "-in",
                plain.toString(),
                "-out",
                enc.toString(),
                "-passout",
                "pass:correct horse battery"),
            null);
    assertThat(topk8.exit).as(topk8.err).isZero();
    Result pub = run(List.of("openssl", "pkey", "-in", plain.toString(), "-pubout"), null);

    byte[] der =
        EncryptedPkcs8.decrypt(
            Files.readString(enc), KeyPassphrase.of("correct horse battery"), "enc.pem");

    assertThat(Ed25519KeyPair.fromPkcs8Der(der).publicKey())
        .isEqualTo(Ed25519KeyPair.publicKeyFromSpkiPem(pub.out));
    assertThatThrownBy(
            () ->
                EncryptedPkcs8.decrypt(
                    Files.readString(enc), KeyPassphrase.of("not the passphrase"), "enc.pem"))
        .isInstanceOfSatisfying(
            KeyFileException.class,
            e -> assertThat(e.reason()).isEqualTo(KeyFileException.Reason.WRONG_PASSPHRASE));
  }

  @Test
  void hmacKeyPkcs8_opensslAsn1parse_showsHmacWithSha256() throws Exception {
    HmacKey k = HmacKey.generate(new SecureRandom());
    Path der = dir.resolve("hmac.der");
    Files.write(der, k.toPkcs8Der());
    Result r = run(List.of("openssl", "asn1parse", "-inform", "DER", "-in", der.toString()), null);
    assertThat(r.exit).as(r.err).isZero();
    assertThat(r.out).contains("hmacWithSHA256");
    assertThat(HmacKey.fromPkcs8Der(k.toPkcs8Der()).id()).isEqualTo(k.id());
  }

  @Test
  void toSpkiPem_ourKey_equalsOpensslPkeyPubout() throws Exception {
    Ed25519KeyPair kp = Ed25519KeyPair.generate(new SecureRandom());
    Path key = dir.resolve("key.pem");
    KeyFiles.writeNew(key, kp.toPkcs8Pem());

    Result r = run(List.of("openssl", "pkey", "-in", key.toString(), "-pubout"), null);

    assertThat(r.exit).as(r.err).isZero();
    assertThat(r.out).isEqualTo(Ed25519KeyPair.toSpkiPem(kp.publicKey()));
  }

  @Test
  void fromPkcs8Pem_opensslGenpkeyOutput_parsesToOpensslsPublicKey() throws Exception {
    Path key = dir.resolve("openssl.pem");
    Result gen =
        run(List.of("openssl", "genpkey", "-algorithm", "ed25519", "-out", key.toString()), null);
    assertThat(gen.exit).as(gen.err).isZero();
    Result pub = run(List.of("openssl", "pkey", "-in", key.toString(), "-pubout"), null);
    assertThat(pub.exit).as(pub.err).isZero();

    Ed25519KeyPair kp = Ed25519KeyPair.fromPkcs8Pem(Files.readString(key));

    assertThat(kp.publicKey()).isEqualTo(Ed25519KeyPair.publicKeyFromSpkiPem(pub.out));
    // And we write the key back exactly as openssl did.
    assertThat(new String(kp.toPkcs8Pem(), StandardCharsets.US_ASCII))
        .isEqualTo(Files.readString(key));
  }

  @Test
  void sign_sameKeyAndMessage_equalsOpensslSignatureAndVerifiesBothWays() throws Exception {
    Path key = dir.resolve("openssl.pem");
    assertThat(
            run(
                    List.of("openssl", "genpkey", "-algorithm", "ed25519", "-out", key.toString()),
                    null)
                .exit)
        .isZero();
    Ed25519KeyPair kp = Ed25519KeyPair.fromPkcs8Pem(Files.readString(key));
    byte[] msg =
        "\"@method\": POST\n\"@signature-params\": (\"@method\")".getBytes(StandardCharsets.UTF_8);
    Path msgFile = dir.resolve("msg.bin");
    Files.write(msgFile, msg);
    Path sigFile = dir.resolve("sig.bin");

    Result sign =
        run(
            List.of(
                "openssl",
                "pkeyutl",
                "-sign",
                "-rawin",
                "-inkey",
                key.toString(),
                "-in",
                msgFile.toString(),
                "-out",
                sigFile.toString()),
            null);
    assertThat(sign.exit).as(sign.err).isZero();
    byte[] opensslSig = Files.readAllBytes(sigFile);

    // openssl's signature verifies with our verifier; Ed25519 is deterministic, so ours is equal.
    SignatureAlgorithms.verifyEd25519(kp.publicKey(), msg, opensslSig);
    assertThat(kp.sign(msg)).isEqualTo(opensslSig);

    // And openssl verifies ours against the SPKI we write.
    Path pubFile = dir.resolve("pub.pem");
    Files.writeString(pubFile, Ed25519KeyPair.toSpkiPem(kp.publicKey()));
    Path ourSig = dir.resolve("our.sig");
    Files.write(ourSig, kp.sign(msg));
    Result verify =
        run(
            List.of(
                "openssl",
                "pkeyutl",
                "-verify",
                "-rawin",
                "-pubin",
                "-inkey",
                pubFile.toString(),
                "-in",
                msgFile.toString(),
                "-sigfile",
                ourSig.toString()),
            null);
    assertThat(verify.exit).as(verify.out + verify.err).isZero();
  }

  record Result(int exit, String out, String err) {}

  static Result run(List<String> command, byte[] stdin) throws IOException {
    Process p = new ProcessBuilder(command).start();
    try {
      if (stdin != null) {
        p.getOutputStream().write(stdin);
      }
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(command + " did not finish");
      }
      return new Result(p.exitValue(), out, err);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }
}
