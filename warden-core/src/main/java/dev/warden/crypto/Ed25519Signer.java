package dev.warden.crypto;

/**
 * Signs with an Ed25519 private key (RFC 8032) that the caller never sees: a key held in memory
 * ({@link Ed25519KeyPair}) or in a PKCS#11 token that it never leaves. Implementations are
 * thread-safe.
 */
public interface Ed25519Signer {
  /** The 32-byte public key. */
  byte[] publicKey();

  /**
   * The 64-byte Ed25519 signature of {@code message}.
   *
   * @throws Unavailable if the key cannot be used now (its token is gone or refuses); callers fail
   *     closed and never sign with another key instead
   */
  byte[] sign(byte[] message);

  /** The key cannot be used now; no signature was made. The message names the key, not a secret. */
  final class Unavailable extends RuntimeException {
    public Unavailable(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
