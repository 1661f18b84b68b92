package dev.warden.server;

import dev.warden.crypto.Ed25519Signer;
import dev.warden.log.Checkpointer;
import dev.warden.note.Checkpoint;
import dev.warden.note.NoteSigner;
import dev.warden.note.NoteVerifierKey;

/**
 * Signs each batch's checkpoint: a C2SP tlog-checkpoint in a C2SP signed note, Ed25519, key name =
 * the log's origin. The key can be replaced ({@link #activate}) after a rotation: each checkpoint
 * is signed whole by one key.
 */
final class LogSigner implements Checkpointer {
  private final String origin;
  private volatile NoteSigner signer;

  LogSigner(String origin, Ed25519Signer key) {
    this.origin = origin;
    this.signer = new NoteSigner(origin, key);
  }

  /** Signs every checkpoint from now on with {@code key}. */
  void activate(Ed25519Signer key) {
    signer = new NoteSigner(origin, key);
  }

  NoteVerifierKey verifierKey() {
    return signer.verifierKey();
  }

  /** The C2SP verifier key: {@code <name>+<hex key ID>+<base64(0x01 ‖ public key)>}. */
  String vkey() {
    return signer.verifierKey().format();
  }

  /**
   * Signs a note that is not a checkpoint (no verifier accepts it as one), to show the key can
   * sign; {@code /readyz} calls it.
   */
  void probe() {
    signer.sign("warden readiness probe\n");
  }

  @Override
  public String sign(long size, byte[] root) {
    try {
      return signer.sign(new Checkpoint(origin, size, root).body());
    } catch (Ed25519Signer.Unavailable e) {
      throw new SignerUnavailable(e.getMessage(), e);
    }
  }
}
