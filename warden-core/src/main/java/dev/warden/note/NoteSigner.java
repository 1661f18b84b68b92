package dev.warden.note;

import dev.warden.crypto.Ed25519Signer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Signs note texts with an Ed25519 key under a key name (c2sp.org/signed-note §Signatures). The key
 * is never printed. Thread-safe.
 */
public final class NoteSigner {
  private final Ed25519Signer key;
  private final NoteVerifierKey verifierKey;

  /**
   * @throws IllegalArgumentException if {@code name} is not a key name
   */
  public NoteSigner(String name, Ed25519Signer key) {
    this.key = key;
    this.verifierKey = NoteVerifierKey.of(name, key.publicKey());
  }

  public String name() {
    return verifierKey.name();
  }

  /** The vkey that verifies this signer's notes. */
  public NoteVerifierKey verifierKey() {
    return verifierKey;
  }

  /**
   * The signed note of {@code text}: the text, a blank line and one signature line {@code — <name>
   * base64(key ID ‖ Ed25519 signature over the text's UTF-8)}.
   *
   * @throws IllegalArgumentException if {@code text} does not end in a newline, holds a control
   *     character other than newline, is not Unicode text, or makes the note too large
   */
  public String sign(String text) {
    return new SignedNote(text, List.of(signature(text))).format();
  }

  /** The signature line of this signer over {@code text}, for notes with several signers. */
  public SignedNote.Signature signature(String text) {
    String problem = SignedNote.textProblem(text);
    if (problem != null) {
      throw new IllegalArgumentException("cannot sign note text: " + problem);
    }
    byte[] sig = key.sign(text.getBytes(StandardCharsets.UTF_8));
    return new SignedNote.Signature(name(), verifierKey.keyId(), sig);
  }

  @Override
  public String toString() {
    return "NoteSigner[" + verifierKey.format() + "]";
  }
}
