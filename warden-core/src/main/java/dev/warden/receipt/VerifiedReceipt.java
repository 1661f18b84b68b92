package dev.warden.receipt;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warden.note.Checkpoint;
import java.util.List;

/**
 * What {@link ReceiptVerifier} established: the entry is leaf {@code leafIndex} of the log whose
 * checkpoint a trusted log key signed, and, per {@link #jws()}, whether Warden's receipt key signed
 * the JWS that binds them.
 *
 * @param entry the verified entry (a copy)
 * @param leafIndex its index in the log
 * @param checkpoint the verified checkpoint (origin, size, root)
 * @param jws whether the JWS signature was checked
 * @param warnings what a reader should know although the receipt verified: a signing key was
 *     revoked as compromised, but only from a time after this receipt's entry
 */
public record VerifiedReceipt(
    ObjectNode entry, long leafIndex, Checkpoint checkpoint, JwsCheck jws, List<String> warnings) {
  public VerifiedReceipt(ObjectNode entry, long leafIndex, Checkpoint checkpoint, JwsCheck jws) {
    this(entry, leafIndex, checkpoint, jws, List.of());
  }

  /** Whether the JWS signature was verified: a closed set of outcomes. */
  public sealed interface JwsCheck permits Verified, NotChecked {}

  /** The JWS verified with the JWKS key {@code kid}. */
  public record Verified(String kid) implements JwsCheck {}

  /** No JWKS was given: the JWS's signature was not checked (its binding to the entry was). */
  public record NotChecked() implements JwsCheck {}

  public VerifiedReceipt {
    entry = entry.deepCopy();
    warnings = List.copyOf(warnings);
  }

  @Override
  public ObjectNode entry() {
    return entry.deepCopy();
  }
}
