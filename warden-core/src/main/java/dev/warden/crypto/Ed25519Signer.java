package dev.warden.crypto;

/**
 * Signs with an Ed25519 private key (RFC 8032) that the caller never sees: a key held in memory
 * ({@link Ed25519KeyPair}) today, a token where the key never leaves it later. Implementations are
 * thread-safe.
 */
public interface Ed25519Signer {
  /** The 32-byte public key. */
  byte[] publicKey();

  /** The 64-byte Ed25519 signature of {@code message}. */
  byte[] sign(byte[] message);
}
