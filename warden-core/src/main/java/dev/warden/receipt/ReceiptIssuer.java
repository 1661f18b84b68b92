package dev.warden.receipt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warden.crypto.Ed25519Signer;
import dev.warden.json.Canonical;
import dev.warden.json.JsonRejected;
import dev.warden.json.StrictJson;
import dev.warden.log.MerkleHasher;
import dev.warden.log.MerkleProofs;
import dev.warden.log.ProofException;
import dev.warden.note.Checkpoint;
import dev.warden.note.NoteException;
import dev.warden.note.SignedNote;
import dev.warden.note.TlogProof;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Builds receipts for one log origin with one receipt key: the JWS over the entry plus {@code
 * log_index} and {@code log_origin}, and the proof in both forms ({@link Receipt}). Checks that
 * what it is given fits together (the proof leads to the checkpoint's root) so that it never hands
 * out a receipt that cannot verify. Thread-safe; the key can be replaced ({@link #activate}) while
 * receipts are issued, each receipt signed whole by one key.
 */
public final class ReceiptIssuer {
  /** A signing key and its kid, swapped together. */
  private record Active(Ed25519Signer key, String kid) {}

  private volatile Active active;
  private final String origin;

  /** The last checkpoint parsed: the receipts of one commit batch share it. */
  private volatile @Nullable Parsed last;

  private record Parsed(String note, Checkpoint checkpoint) {}

  /**
   * @param receiptKey Warden's receipt signing key
   * @param kid its JWKS kid ({@link Jwk#thumbprint})
   * @param origin the log's origin, which every checkpoint given must carry
   */
  public ReceiptIssuer(Ed25519Signer receiptKey, String kid, String origin) {
    if (kid.isEmpty() || origin.isEmpty()) {
      throw new IllegalArgumentException("kid and origin must not be empty");
    }
    if (!kid.equals(Jwk.thumbprint(receiptKey.publicKey()))) {
      throw new IllegalArgumentException("kid is not the receipt key's RFC 7638 thumbprint");
    }
    this.active = new Active(receiptKey, kid);
    this.origin = origin;
  }

  /** Signs every receipt issued from now on with {@code receiptKey} (after a key rotation). */
  public void activate(Ed25519Signer receiptKey) {
    active = new Active(receiptKey, Jwk.thumbprint(receiptKey.publicKey()));
  }

  /**
   * Signs a message that is no receipt (not a JWS), to show the active key can sign; {@code
   * /readyz} calls it.
   *
   * @throws dev.warden.crypto.Ed25519Signer.Unavailable if it cannot
   */
  public void probe() {
    active.key().sign("warden readiness probe".getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  /** The kid of the key receipts are signed with now. */
  public String kid() {
    return active.kid();
  }

  /**
   * The receipt of {@code entry}, leaf {@code leafIndex} of the tree {@code signedCheckpoint}
   * describes.
   *
   * @param entry the entry's canonical JSON bytes, as logged
   * @param inclusionProof its RFC 9162 inclusion proof against the checkpoint's tree
   * @param signedCheckpoint the signed checkpoint note (its signature is not checked here)
   * @throws IllegalArgumentException if the entry is not a canonical JSON object or already has
   *     {@code log_index} or {@code log_origin}, the checkpoint is malformed or of another origin,
   *     or the proof does not lead from the entry to the checkpoint's root
   */
  public Receipt issue(
      byte[] entry, long leafIndex, List<byte[]> inclusionProof, String signedCheckpoint) {
    return sign(canonicalObject(entry), entry, leafIndex, inclusionProof, signedCheckpoint);
  }

  /**
   * The receipt of an entry its caller built: {@code node} is the tree {@code entry} was made of
   * ({@code entry} is {@code Canonical.bytes(node)}), so it is not parsed back. {@code node} is not
   * changed. Otherwise as {@link #issue(byte[], long, List, String)}.
   */
  public Receipt issue(
      ObjectNode node,
      byte[] entry,
      long leafIndex,
      List<byte[]> inclusionProof,
      String signedCheckpoint) {
    return sign(node.deepCopy(), entry, leafIndex, inclusionProof, signedCheckpoint);
  }

  private Receipt sign(
      ObjectNode payload,
      byte[] entry,
      long leafIndex,
      List<byte[]> inclusionProof,
      String signedCheckpoint) {
    if (payload.has("log_index") || payload.has("log_origin")) {
      throw new IllegalArgumentException("entry already has log_index or log_origin");
    }
    Checkpoint checkpoint = checkpoint(signedCheckpoint);
    if (!checkpoint.origin().equals(origin)) {
      throw new IllegalArgumentException(
          "checkpoint origin " + checkpoint.origin() + " is not " + origin);
    }
    try {
      MerkleProofs.verifyInclusion(
          MerkleHasher.leafHash(entry),
          leafIndex,
          checkpoint.size(),
          inclusionProof,
          checkpoint.root());
    } catch (ProofException e) {
      throw new IllegalArgumentException(
          "inclusion proof of leaf "
              + leafIndex
              + " does not fit the checkpoint: "
              + e.getMessage(),
          e);
    }
    payload.put("log_index", leafIndex);
    payload.put("log_origin", origin);
    Active a = active;
    String jws = CompactJws.sign(Canonical.bytes(payload), a.key(), a.kid());
    String tlogProof = TlogProof.format(null, leafIndex, inclusionProof, signedCheckpoint);
    return new Receipt(
        jws,
        new String(entry, StandardCharsets.UTF_8),
        leafIndex,
        checkpoint.size(),
        inclusionProof,
        signedCheckpoint,
        tlogProof);
  }

  private Checkpoint checkpoint(String signedCheckpoint) {
    Parsed p = last;
    if (p != null && p.note().equals(signedCheckpoint)) {
      return p.checkpoint();
    }
    try {
      Checkpoint c = Checkpoint.parse(SignedNote.parse(signedCheckpoint).text());
      last = new Parsed(signedCheckpoint, c);
      return c;
    } catch (NoteException e) {
      throw new IllegalArgumentException("checkpoint: " + e.getMessage(), e);
    }
  }

  private static ObjectNode canonicalObject(byte[] entry) {
    JsonNode node;
    try {
      node = StrictJson.parse(entry, Receipt.ENTRY_LIMITS);
    } catch (JsonRejected e) {
      throw new IllegalArgumentException("entry is not strict JSON: " + e.getMessage(), e);
    }
    if (!(node instanceof ObjectNode object) || !Arrays.equals(Canonical.bytes(node), entry)) {
      throw new IllegalArgumentException("entry is not a JSON object in canonical form");
    }
    return object;
  }
}
