package dev.warden.crypto;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * An Ed25519 key pair held in memory (RFC 8032), with its PKCS#8 / SPKI PEM forms so the files
 * interoperate with {@code openssl pkey}. Never printed.
 */
public final class Ed25519KeyPair implements Ed25519Signer {
  // RFC 8410 DER prefixes: PKCS#8 PrivateKeyInfo and SubjectPublicKeyInfo for id-Ed25519.
  private static final byte[] PKCS8_PREFIX =
      HexFormat.of().parseHex("302e020100300506032b657004220420");
  private static final byte[] SPKI_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

  private final byte[] seed;
  private final byte[] publicKey;

  private Ed25519KeyPair(byte[] seed) {
    if (seed.length != 32) {
      throw new IllegalArgumentException("an Ed25519 private key is 32 bytes");
    }
    this.seed = seed.clone();
    this.publicKey = new byte[32];
    Ed25519.generatePublicKey(this.seed, 0, publicKey, 0);
  }

  public static Ed25519KeyPair generate(SecureRandom random) {
    byte[] seed = new byte[32];
    random.nextBytes(seed);
    return new Ed25519KeyPair(seed);
  }

  public static Ed25519KeyPair fromSeed(byte[] seed) {
    return new Ed25519KeyPair(seed);
  }

  /** Parses a PKCS#8 PEM {@code PRIVATE KEY} holding an Ed25519 key. */
  public static Ed25519KeyPair fromPkcs8Pem(String pem) {
    byte[] der = Pem.decode(pem, "PRIVATE KEY");
    if (der.length != PKCS8_PREFIX.length + 32
        || !Arrays.equals(der, 0, PKCS8_PREFIX.length, PKCS8_PREFIX, 0, PKCS8_PREFIX.length)) {
      throw new IllegalArgumentException("not an unencrypted PKCS#8 Ed25519 private key");
    }
    return new Ed25519KeyPair(Arrays.copyOfRange(der, PKCS8_PREFIX.length, der.length));
  }

  /** Parses a SPKI PEM {@code PUBLIC KEY} holding an Ed25519 key into its 32 raw bytes. */
  public static byte[] publicKeyFromSpkiPem(String pem) {
    byte[] der = Pem.decode(pem, "PUBLIC KEY");
    if (der.length != SPKI_PREFIX.length + 32
        || !Arrays.equals(der, 0, SPKI_PREFIX.length, SPKI_PREFIX, 0, SPKI_PREFIX.length)) {
      throw new IllegalArgumentException("not an Ed25519 SubjectPublicKeyInfo");
    }
    return Arrays.copyOfRange(der, SPKI_PREFIX.length, der.length);
  }

  /** Parses a DER PKCS#8 {@code PrivateKeyInfo} holding an Ed25519 key (RFC 8410). */
  public static Ed25519KeyPair fromPkcs8Der(byte[] der) {
    if (der.length != PKCS8_PREFIX.length + 32
        || !Arrays.equals(der, 0, PKCS8_PREFIX.length, PKCS8_PREFIX, 0, PKCS8_PREFIX.length)) {
      throw new IllegalArgumentException("not a PKCS#8 Ed25519 private key");
    }
    return new Ed25519KeyPair(Arrays.copyOfRange(der, PKCS8_PREFIX.length, der.length));
  }

  /** The DER PKCS#8 {@code PrivateKeyInfo} (RFC 8410), for sealing into a key file. */
  public byte[] toPkcs8Der() {
    byte[] der = new byte[PKCS8_PREFIX.length + 32];
    System.arraycopy(PKCS8_PREFIX, 0, der, 0, PKCS8_PREFIX.length);
    System.arraycopy(seed, 0, der, PKCS8_PREFIX.length, 32);
    return der;
  }

  @Override
  public byte[] publicKey() {
    return publicKey.clone();
  }

  /**
   * Signs with the public key derived from the seed at construction: without it BouncyCastle would
   * derive it again on every signature, a second scalar multiplication that doubled the cost of
   * each receipt and checkpoint.
   */
  @Override
  public byte[] sign(byte[] message) {
    byte[] signature = new byte[Ed25519.SIGNATURE_SIZE];
    Ed25519.sign(seed, 0, publicKey, 0, message, 0, message.length, signature, 0);
    return signature;
  }

  public byte[] toPkcs8Pem() {
    return Pem.encode(toPkcs8Der(), "PRIVATE KEY").getBytes(StandardCharsets.US_ASCII);
  }

  public static String toSpkiPem(byte[] publicKey) {
    byte[] der = new byte[SPKI_PREFIX.length + 32];
    System.arraycopy(SPKI_PREFIX, 0, der, 0, SPKI_PREFIX.length);
    System.arraycopy(publicKey, 0, der, SPKI_PREFIX.length, 32);
    return Pem.encode(der, "PUBLIC KEY");
  }

  @Override
  public String toString() {
    return "Ed25519KeyPair[public=" + Base64.getEncoder().encodeToString(publicKey) + "]";
  }
}
