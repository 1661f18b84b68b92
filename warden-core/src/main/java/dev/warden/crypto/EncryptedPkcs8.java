package dev.warden.crypto;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.BadPaddingException;
import javax.crypto.Cipher;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.EncryptedPrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.EncryptionScheme;
import org.bouncycastle.asn1.pkcs.KeyDerivationFunc;
import org.bouncycastle.asn1.pkcs.PBES2Parameters;
import org.bouncycastle.asn1.pkcs.PBKDF2Params;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;

/**
 * PKCS#8 {@code EncryptedPrivateKeyInfo} (RFC 5958 §3) with PBES2 (RFC 8018 §6.2): PBKDF2 with
 * HMAC-SHA256 and AES-256-CBC, in PEM as {@code -----BEGIN ENCRYPTED PRIVATE KEY-----} — the form
 * {@code openssl pkcs8 -topk8 -v2 aes-256-cbc -v2prf hmacWithSHA256} writes and reads.
 *
 * <p>Writes 16-byte salts and IVs and {@link #DEFAULT_ITERATIONS} iterations (OWASP's 2023 figure
 * for PBKDF2-HMAC-SHA256). Reads exactly that scheme — PBES2, PBKDF2 with HMAC-SHA256, AES-256-CBC
 * — at any iteration count up to {@link #MAX_ITERATIONS}, so keys openssl encrypted load too;
 * anything else is refused by name. A wrong passphrase and a damaged file look the same from here
 * (CBC padding or the inner structure fails); the error says so without saying which bytes.
 */
public final class EncryptedPkcs8 {
  /** PBKDF2 iterations Warden writes. */
  public static final int DEFAULT_ITERATIONS = 600_000;

  /** Most iterations read, so a planted file cannot make a start take hours. */
  public static final int MAX_ITERATIONS = 10_000_000;

  static final String LABEL = "ENCRYPTED PRIVATE KEY";

  private static final AlgorithmIdentifier HMAC_SHA256 =
      new AlgorithmIdentifier(PKCSObjectIdentifiers.id_hmacWithSHA256, DERNull.INSTANCE);

  private EncryptedPkcs8() {}

  /** Whether {@code pem} is an encrypted PKCS#8 PEM block (by its label). */
  public static boolean isEncrypted(String pem) {
    return pem.strip().startsWith("-----BEGIN " + LABEL + "-----");
  }

  /**
   * Encrypts a DER {@code PrivateKeyInfo}.
   *
   * @return the PEM text
   */
  public static String encrypt(
      byte[] privateKeyInfo, KeyPassphrase passphrase, SecureRandom random, int iterations) {
    if (iterations < 1 || iterations > MAX_ITERATIONS) {
      throw new IllegalArgumentException("iterations " + iterations + " out of range");
    }
    byte[] salt = new byte[16];
    byte[] iv = new byte[16];
    random.nextBytes(salt);
    random.nextBytes(iv);
    byte[] ciphertext;
    try {
      Cipher c = Cipher.getInstance("AES/CBC/PKCS5Padding");
      c.init(Cipher.ENCRYPT_MODE, derive(passphrase, salt, iterations), new IvParameterSpec(iv));
      ciphertext = c.doFinal(privateKeyInfo);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JDK has AES-256-CBC and PBKDF2WithHmacSHA256", e);
    }
    PBES2Parameters params =
        new PBES2Parameters(
            new KeyDerivationFunc(
                PKCSObjectIdentifiers.id_PBKDF2, new PBKDF2Params(salt, iterations, HMAC_SHA256)),
            new EncryptionScheme(NISTObjectIdentifiers.id_aes256_CBC, new DEROctetString(iv)));
    try {
      byte[] der =
          new EncryptedPrivateKeyInfo(
                  new AlgorithmIdentifier(PKCSObjectIdentifiers.id_PBES2, params), ciphertext)
              .getEncoded("DER");
      return Pem.encode(der, LABEL);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("DER encoding of EncryptedPrivateKeyInfo failed", e);
    }
  }

  /**
   * Decrypts an encrypted PKCS#8 PEM block into its DER {@code PrivateKeyInfo}.
   *
   * @param what names the file in messages
   * @throws KeyFileException {@code WRONG_PASSPHRASE} if the passphrase does not decrypt it, {@code
   *     MALFORMED} if it is not PBES2/PBKDF2-HMAC-SHA256/AES-256-CBC PKCS#8
   */
  public static byte[] decrypt(String pem, KeyPassphrase passphrase, String what)
      throws KeyFileException {
    byte[] salt;
    int iterations;
    byte[] iv;
    byte[] ciphertext;
    try {
      EncryptedPrivateKeyInfo info = EncryptedPrivateKeyInfo.getInstance(Pem.decode(pem, LABEL));
      AlgorithmIdentifier scheme = info.getEncryptionAlgorithm();
      if (!scheme.getAlgorithm().equals(PKCSObjectIdentifiers.id_PBES2)) {
        throw malformed(what, "it is not encrypted with PBES2 (" + scheme.getAlgorithm() + ")");
      }
      PBES2Parameters p = PBES2Parameters.getInstance(scheme.getParameters());
      if (!p.getKeyDerivationFunc().getAlgorithm().equals(PKCSObjectIdentifiers.id_PBKDF2)) {
        throw malformed(what, "its key derivation is not PBKDF2");
      }
      PBKDF2Params kdf = PBKDF2Params.getInstance(p.getKeyDerivationFunc().getParameters());
      if (!kdf.getPrf().getAlgorithm().equals(PKCSObjectIdentifiers.id_hmacWithSHA256)) {
        throw malformed(what, "its PBKDF2 PRF is not HMAC-SHA256 (openssl: -v2prf hmacWithSHA256)");
      }
      BigInteger keyLength = kdf.getKeyLength();
      if (keyLength != null && keyLength.intValue() != 32) {
        throw malformed(what, "its PBKDF2 key length is not 32 bytes");
      }
      BigInteger count = kdf.getIterationCount();
      if (count.signum() <= 0 || count.compareTo(BigInteger.valueOf(MAX_ITERATIONS)) > 0) {
        throw malformed(what, "its PBKDF2 iteration count is not in [1, " + MAX_ITERATIONS + "]");
      }
      iterations = count.intValue();
      salt = kdf.getSalt();
      EncryptionScheme enc = p.getEncryptionScheme();
      if (!enc.getAlgorithm().equals(NISTObjectIdentifiers.id_aes256_CBC)) {
        throw malformed(what, "its cipher is not AES-256-CBC (openssl: -v2 aes-256-cbc)");
      }
      iv = ASN1OctetString.getInstance(enc.getParameters()).getOctets();
      if (iv.length != 16) {
        throw malformed(what, "its AES IV is not 16 bytes");
      }
      ciphertext = info.getEncryptedData();
    } catch (RuntimeException e) {
      // BouncyCastle's ASN.1 parsers signal bad input with several unchecked exceptions.
      throw malformed(what, "it is not an encrypted PKCS#8 private key");
    }
    byte[] plain;
    try {
      Cipher c = Cipher.getInstance("AES/CBC/PKCS5Padding");
      c.init(Cipher.DECRYPT_MODE, derive(passphrase, salt, iterations), new IvParameterSpec(iv));
      plain = c.doFinal(ciphertext);
    } catch (BadPaddingException | javax.crypto.IllegalBlockSizeException e) {
      throw wrong(what);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JDK has AES-256-CBC and PBKDF2WithHmacSHA256", e);
    }
    // One wrong key in 256 leaves valid padding: the plaintext must also be a PrivateKeyInfo.
    try {
      PrivateKeyInfo pki = PrivateKeyInfo.getInstance(ASN1Primitive.fromByteArray(plain));
      byte[] der = pki.getEncoded("DER");
      if (!Arrays.equals(der, plain)) {
        throw wrong(what);
      }
      return plain;
    } catch (java.io.IOException | RuntimeException e) {
      Arrays.fill(plain, (byte) 0);
      throw wrong(what);
    }
  }

  private static SecretKeySpec derive(KeyPassphrase passphrase, byte[] salt, int iterations)
      throws GeneralSecurityException {
    char[] chars = passphrase.chars();
    PBEKeySpec spec = new PBEKeySpec(chars, salt, iterations, 256);
    try {
      // The JDK feeds PBKDF2 the passphrase's UTF-8 bytes, as openssl does with what it is given.
      byte[] key =
          SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
      return new SecretKeySpec(key, "AES");
    } finally {
      spec.clearPassword();
      Arrays.fill(chars, '\0');
    }
  }

  private static KeyFileException malformed(String what, String detail) {
    return new KeyFileException(KeyFileException.Reason.MALFORMED, what + ": " + detail);
  }

  private static KeyFileException wrong(String what) {
    return new KeyFileException(
        KeyFileException.Reason.WRONG_PASSPHRASE,
        what
            + ": the key passphrase does not decrypt this key (a wrong passphrase, or the file was"
            + " altered); check WARDEN_KEY_PASSPHRASE or WARDEN_KEY_PASSPHRASE_FILE");
  }
}
