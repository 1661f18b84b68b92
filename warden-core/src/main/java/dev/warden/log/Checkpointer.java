package dev.warden.log;

/**
 * Signs the checkpoint of each batch: given the new tree size and root, returns the complete C2SP
 * signed note. Called by the committer inside the store's transaction, with the log head locked, so
 * checkpoints are signed in order of size and never for two different trees of one size that both
 * get stored.
 */
@FunctionalInterface
public interface Checkpointer {

  /**
   * @throws SignerUnavailable if the signing key cannot be used; the batch then fails with {@code
   *     signer.unavailable} and nothing of it is written
   */
  String sign(long size, byte[] root);

  /** The signing key cannot be used now (a token is gone, a key file unreadable). */
  final class SignerUnavailable extends RuntimeException {
    public SignerUnavailable(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
