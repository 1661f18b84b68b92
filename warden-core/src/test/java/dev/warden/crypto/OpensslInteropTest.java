package dev.warden.crypto;

import static org.assertj.core.api.Assertions.assertThat;
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
