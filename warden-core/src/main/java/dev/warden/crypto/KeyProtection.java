package dev.warden.crypto;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * How Warden's private key files are sealed and opened: encrypted PKCS#8 under a passphrase ({@link
 * EncryptedPkcs8}), or — only when said explicitly, for development — plaintext PKCS#8. Immutable.
 *
 * <p>Sealing encrypts when there is a passphrase, else writes plaintext (allowed only by {@link
 * #insecurePlaintext}). Opening decrypts an encrypted file with the passphrase and accepts a
 * plaintext one only when plaintext keys were allowed.
 */
public final class KeyProtection {
  private final @Nullable KeyPassphrase passphrase;
  private final boolean plaintextAllowed;
  private final int iterations;

  private KeyProtection(
      @Nullable KeyPassphrase passphrase, boolean plaintextAllowed, int iterations) {
    this.passphrase = passphrase;
    this.plaintextAllowed = plaintextAllowed;
    this.iterations = iterations;
  }

  /** Keys encrypted under {@code passphrase}, {@link EncryptedPkcs8#DEFAULT_ITERATIONS}. */
  public static KeyProtection passphrase(KeyPassphrase passphrase) {
    return new KeyProtection(passphrase, false, EncryptedPkcs8.DEFAULT_ITERATIONS);
  }

  /** Development only: keys written and read as plaintext PKCS#8. */
  public static KeyProtection insecurePlaintext() {
    return new KeyProtection(null, true, EncryptedPkcs8.DEFAULT_ITERATIONS);
  }

  /**
   * The protection the environment asks for: the passphrase of {@link
   * KeyPassphrase#fromEnvironment}; with {@code insecurePlaintext}, plaintext keys are accepted
   * (and written when no passphrase is set).
   *
   * @throws KeyFileException {@code NO_PASSPHRASE} when there is no passphrase and plaintext was
   *     not allowed — the message says how to set one — or as {@link KeyPassphrase#fromEnvironment}
   */
  public static KeyProtection fromEnvironment(
      Function<String, @Nullable String> env, boolean insecurePlaintext) throws KeyFileException {
    KeyPassphrase p = KeyPassphrase.fromEnvironment(env);
    if (p == null && !insecurePlaintext) {
      throw new KeyFileException(KeyFileException.Reason.NO_PASSPHRASE, NO_PASSPHRASE);
    }
    return new KeyProtection(p, insecurePlaintext, EncryptedPkcs8.DEFAULT_ITERATIONS);
  }

  /** What to do when no passphrase is set; part of every such error. */
  public static final String NO_PASSPHRASE =
      "no key passphrase: Warden keeps its private keys encrypted at rest. Put a passphrase in a"
          + " file only you can read and point "
          + KeyPassphrase.ENV_FILE
          + " at it, e.g.\n"
          + "  (umask 077 && openssl rand -base64 32 > ~/.warden-passphrase)\n"
          + "  export "
          + KeyPassphrase.ENV_FILE
          + "=~/.warden-passphrase\n"
          + "or set "
          + KeyPassphrase.ENV
          + ". For development only, --insecure-plaintext-keys keeps the keys unencrypted.";

  /**
   * The same protection with another PBKDF2 iteration count for the keys it writes. For tests,
   * which start many servers: production keys use {@link EncryptedPkcs8#DEFAULT_ITERATIONS}.
   */
  public KeyProtection withIterations(int iterations) {
    if (iterations < 1_000 || iterations > EncryptedPkcs8.MAX_ITERATIONS) {
      throw new IllegalArgumentException("iterations must be in [1000, 10000000]");
    }
    return new KeyProtection(passphrase, plaintextAllowed, iterations);
  }

  /** Whether keys are written in plaintext (no passphrase, plaintext allowed). */
  public boolean writesPlaintext() {
    return passphrase == null;
  }

  /** Whether plaintext key files are accepted (the development switch was given). */
  public boolean plaintextAllowed() {
    return plaintextAllowed;
  }

  /** The PEM file content for a DER {@code PrivateKeyInfo}: encrypted, or plaintext. */
  public byte[] seal(byte[] privateKeyInfo, SecureRandom random) {
    String pem =
        passphrase == null
            ? Pem.encode(privateKeyInfo, "PRIVATE KEY")
            : EncryptedPkcs8.encrypt(privateKeyInfo, passphrase, random, iterations);
    return pem.getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * The DER {@code PrivateKeyInfo} in a key file's content.
   *
   * @param what names the file in messages
   * @throws KeyFileException {@code PLAINTEXT} for a plaintext file when plaintext is not allowed,
   *     {@code NO_PASSPHRASE} for an encrypted file without a passphrase, else as {@link
   *     EncryptedPkcs8#decrypt}
   */
  public byte[] open(byte[] content, String what) throws KeyFileException {
    String pem = new String(content, StandardCharsets.US_ASCII);
    if (EncryptedPkcs8.isEncrypted(pem)) {
      if (passphrase == null) {
        throw new KeyFileException(
            KeyFileException.Reason.NO_PASSPHRASE, what + " is encrypted. " + NO_PASSPHRASE);
      }
      return EncryptedPkcs8.decrypt(pem, passphrase, what);
    }
    if (!plaintextAllowed) {
      throw new KeyFileException(KeyFileException.Reason.PLAINTEXT, what + " is not encrypted");
    }
    return decodePlain(pem, what);
  }

  /** The DER of a plaintext PKCS#8 PEM block, whatever the protection. */
  public static byte[] decodePlain(String pem, String what) throws KeyFileException {
    try {
      return Pem.decode(pem, "PRIVATE KEY");
    } catch (IllegalArgumentException e) {
      throw new KeyFileException(
          KeyFileException.Reason.MALFORMED, what + " is not a PKCS#8 PEM private key");
    }
  }

  @Override
  public String toString() {
    return passphrase == null ? "KeyProtection[plaintext]" : "KeyProtection[passphrase]";
  }
}
