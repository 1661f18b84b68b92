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
