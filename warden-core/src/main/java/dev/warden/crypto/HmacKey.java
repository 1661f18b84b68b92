package dev.warden.crypto;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** A secret HMAC-SHA256 key (at least 32 bytes). Never printed, never compared by value. */
public final class HmacKey {
  private final SecretKeySpec key;

  private HmacKey(byte[] bytes) {
    if (bytes.length < 32) {
      throw new IllegalArgumentException("an HMAC-SHA256 key is at least 32 bytes");
    }
    this.key = new SecretKeySpec(bytes.clone(), "HmacSHA256");
  }

  public static HmacKey of(byte[] bytes) {
    return new HmacKey(bytes);
  }

  public static HmacKey generate(SecureRandom random) {
    byte[] b = new byte[32];
    random.nextBytes(b);
    return new HmacKey(b);
  }

  // PKCS#8 PrivateKeyInfo: version 0, AlgorithmIdentifier {hmacWithSHA256 (1.2.840.113549.2.9),
  // NULL}, privateKey = OCTET STRING holding the DER OCTET STRING of the key bytes (the nesting RFC
  // 8410 uses for Ed25519). Written for 32-byte keys: 30 35 02 01 00 30 0c 06 08 ... 05 00 04 22
  // 04 20 <key>.
  private static final byte[] PKCS8_PREFIX =
      java.util.HexFormat.of().parseHex("3035020100300c06082a864886f70d0209050004220420");

  /** The DER PKCS#8 {@code PrivateKeyInfo} of this key (hmacWithSHA256), for sealing. */
  public byte[] toPkcs8Der() {
    byte[] k = key.getEncoded();
    if (k.length != 32) {
      throw new IllegalStateException("only 32-byte keys are written as PKCS#8");
    }
    byte[] der = new byte[PKCS8_PREFIX.length + 32];
    System.arraycopy(PKCS8_PREFIX, 0, der, 0, PKCS8_PREFIX.length);
    System.arraycopy(k, 0, der, PKCS8_PREFIX.length, 32);
    java.util.Arrays.fill(k, (byte) 0);
    return der;
  }

  /** Parses what {@link #toPkcs8Der} writes. */
  public static HmacKey fromPkcs8Der(byte[] der) {
    if (der.length != PKCS8_PREFIX.length + 32
        || !java.util.Arrays.equals(
            der, 0, PKCS8_PREFIX.length, PKCS8_PREFIX, 0, PKCS8_PREFIX.length)) {
      throw new IllegalArgumentException("not a PKCS#8 hmacWithSHA256 key of 32 bytes");
    }
    return new HmacKey(java.util.Arrays.copyOfRange(der, PKCS8_PREFIX.length, der.length));
  }

  /**
   * A public name for this key: {@code hk-} and the first 8 bytes, hex, of HMAC-SHA256(key, "warden
   * params key id"). Tells which key made an HMAC without revealing the key.
   */
  public String id() {
    byte[] m = mac("warden params key id".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    return "hk-" + java.util.HexFormat.of().formatHex(m, 0, 8);
  }

  /** The key bytes, for writing the key file only. */
  public byte[] exportBytes() {
    return key.getEncoded();
  }

  public byte[] mac(byte[] data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return mac.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JDK has HmacSHA256", e);
    }
  }

  @Override
  public String toString() {
    return "HmacKey[redacted]";
  }
}
