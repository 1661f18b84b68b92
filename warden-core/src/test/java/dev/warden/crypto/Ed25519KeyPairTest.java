package dev.warden.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * {@link Ed25519KeyPair} and {@link Pem}: RFC 8032 TEST 1, PEM round trips, and interop with the
 * JDK's own Ed25519 (an implementation Warden did not write). {@code openssl} is in {@link
 * OpensslInteropTest}.
 */
class Ed25519KeyPairTest {
  private static final HexFormat HEX = HexFormat.of();
  // RFC 8032 §7.1 TEST 1
  private static final byte[] SEED =
      HEX.parseHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
  private static final byte[] PUBLIC =
      HEX.parseHex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
  private static final byte[] SIGNATURE_OF_EMPTY =
      HEX.parseHex(
          "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e"
              + "39701cf9b46bd25bf5f0595bbe24655141438e7a100b");

  @Test
  void fromSeed_rfc8032Test1_publicKeyAndSignatureMatch() {
    Ed25519KeyPair kp = Ed25519KeyPair.fromSeed(SEED);
    assertThat(kp.publicKey()).isEqualTo(PUBLIC);
    assertThat(kp.sign(new byte[0])).isEqualTo(SIGNATURE_OF_EMPTY);
  }

  @Test
  void toPkcs8Pem_roundTrip_sameKey() {
    Ed25519KeyPair kp = Ed25519KeyPair.generate(new SecureRandom());
    String pem = new String(kp.toPkcs8Pem(), StandardCharsets.US_ASCII);

    assertThat(pem)
        .startsWith("-----BEGIN PRIVATE KEY-----\n")
        .endsWith("-----END PRIVATE KEY-----\n");
    Ed25519KeyPair back = Ed25519KeyPair.fromPkcs8Pem(pem);
    assertThat(back.publicKey()).isEqualTo(kp.publicKey());
    byte[] msg = "m".getBytes(StandardCharsets.UTF_8);
    assertThat(back.sign(msg)).isEqualTo(kp.sign(msg));
  }

  @Test
  void toSpkiPem_roundTrip_samePublicKey() {
    String pem = Ed25519KeyPair.toSpkiPem(PUBLIC);
    assertThat(pem)
        .isEqualTo(
            "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getEncoder()
                    .encodeToString(
                        HEX.parseHex("302a300506032b6570032100" + HEX.formatHex(PUBLIC)))
                + "\n-----END PUBLIC KEY-----\n");
    assertThat(Ed25519KeyPair.publicKeyFromSpkiPem(pem)).isEqualTo(PUBLIC);
  }

  @Test
  void publicKeyFromSpkiPem_jdkEncodedKey_parses() throws Exception {
    KeyPair jdk = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    String pem = pem("PUBLIC KEY", jdk.getPublic().getEncoded());
    byte[] raw = Ed25519KeyPair.publicKeyFromSpkiPem(pem);
    // The SPKI we write for those raw bytes is what the JDK wrote.
    assertThat(Ed25519KeyPair.toSpkiPem(raw)).isEqualTo(pem);
  }

  @Test
  void fromPkcs8Pem_jdkEncodedKey_signsVerifiablyByJdk() throws Exception {
    KeyPair jdk = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    Ed25519KeyPair kp =
        Ed25519KeyPair.fromPkcs8Pem(pem("PRIVATE KEY", jdk.getPrivate().getEncoded()));
    byte[] msg = "a message".getBytes(StandardCharsets.UTF_8);

    Signature v = Signature.getInstance("Ed25519");
    v.initVerify(jdk.getPublic());
    v.update(msg);
    assertThat(v.verify(kp.sign(msg))).isTrue();
    assertThat(Ed25519KeyPair.toSpkiPem(kp.publicKey()))
        .isEqualTo(pem("PUBLIC KEY", jdk.getPublic().getEncoded()));
  }

  @Test
  void sign_anyKey_verifiesWithJdkEd25519() throws Exception {
    Ed25519KeyPair kp = Ed25519KeyPair.generate(new SecureRandom());
    byte[] spki = Pem.decode(Ed25519KeyPair.toSpkiPem(kp.publicKey()), "PUBLIC KEY");
    PublicKey pub = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
    byte[] msg = "payments.transfer".getBytes(StandardCharsets.UTF_8);

    Signature v = Signature.getInstance("Ed25519");
    v.initVerify(pub);
    v.update(msg);
    assertThat(v.verify(kp.sign(msg))).isTrue();
  }

  @Test
  void fromPkcs8Pem_publicKeyLabel_throws() {
    assertThatThrownBy(() -> Ed25519KeyPair.fromPkcs8Pem(Ed25519KeyPair.toSpkiPem(PUBLIC)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PRIVATE KEY");
  }

  @Test
  void fromPkcs8Pem_nonBase64CharacterInBody_throws() {
    String pem = new String(Ed25519KeyPair.fromSeed(SEED).toPkcs8Pem(), StandardCharsets.US_ASCII);
    String body = pem.substring(pem.indexOf('\n') + 1, pem.indexOf("\n-----END"));
    String mutated = pem.replace(body, body.substring(0, 10) + "*" + body.substring(10));

    assertThatThrownBy(() -> Ed25519KeyPair.fromPkcs8Pem(mutated))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("base64");
  }

  @Test
  void fromPkcs8Pem_twoBlocks_throws() {
    String one = new String(Ed25519KeyPair.fromSeed(SEED).toPkcs8Pem(), StandardCharsets.US_ASCII);
    assertThatThrownBy(() -> Ed25519KeyPair.fromPkcs8Pem(one + one))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void fromPkcs8Pem_truncatedTail_throws() {
    String pem = new String(Ed25519KeyPair.fromSeed(SEED).toPkcs8Pem(), StandardCharsets.US_ASCII);
    assertThatThrownBy(() -> Ed25519KeyPair.fromPkcs8Pem(pem.substring(0, pem.length() - 10)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void fromPkcs8Pem_otherAlgorithmKey_throws() throws Exception {
    KeyPair ec = KeyPairGenerator.getInstance("EC").generateKeyPair();
    String pem = pem("PRIVATE KEY", ec.getPrivate().getEncoded());
    assertThatThrownBy(() -> Ed25519KeyPair.fromPkcs8Pem(pem))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Ed25519");
  }

  @Test
  void publicKeyFromSpkiPem_otherAlgorithmKey_throws() throws Exception {
    KeyPair ec = KeyPairGenerator.getInstance("EC").generateKeyPair();
    String pem = pem("PUBLIC KEY", ec.getPublic().getEncoded());
    assertThatThrownBy(() -> Ed25519KeyPair.publicKeyFromSpkiPem(pem))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void fromSeed_wrongLength_throws() {
    assertThatThrownBy(() -> Ed25519KeyPair.fromSeed(new byte[31]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void toString_anyKey_showsNoPrivateKey() {
    Ed25519KeyPair kp = Ed25519KeyPair.fromSeed(SEED);
    String s = kp.toString();
    String pem = new String(kp.toPkcs8Pem(), StandardCharsets.US_ASCII);
    String pkcs8Base64 = pem.lines().skip(1).findFirst().orElseThrow();
    assertThat(s)
        .doesNotContain(HEX.formatHex(SEED))
        .doesNotContain(Base64.getEncoder().encodeToString(SEED))
        .doesNotContain(pkcs8Base64)
        .contains(Base64.getEncoder().encodeToString(PUBLIC));
  }

  static String pem(String label, byte[] der) {
    return "-----BEGIN "
        + label
        + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END "
        + label
        + "-----\n";
  }
}
