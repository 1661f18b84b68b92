package dev.warden.receipt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warden.json.Canonical;
import dev.warden.json.JsonLimits;
import dev.warden.json.JsonRejected;
import dev.warden.json.StrictJson;
import dev.warden.log.MerkleHasher;
import dev.warden.log.MerkleProofs;
import dev.warden.log.ProofException;
import dev.warden.note.Checkpoint;
import dev.warden.note.LogKeys;
import dev.warden.note.NoteException;
import dev.warden.note.NoteVerifierKey;
import dev.warden.note.TlogProof;
import dev.warden.receipt.ReceiptException.Reason;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Verifies a receipt offline (SPEC §13) with the log's verifier keys and, optionally, Warden's
 * JWKS. The checks, in order, each with its {@link Reason}:
 *
 * <ol>
 *   <li>the document is well-formed ({@code MALFORMED});
 *   <li>the entry is strict JSON, an object, in RFC 8785 canonical form ({@code ENTRY_HASH}); its
 *       leaf hash is SHA-256(0x00 ‖ entry) (RFC 9162 §2.1.1);
 *   <li>the checkpoint note is signed by one of the log keys named as its origin
 *       (c2sp.org/signed-note, c2sp.org/tlog-checkpoint; {@code CHECKPOINT_SIGNATURE}, {@code
 *       UNKNOWN_KEY});
 *   <li>the checkpoint's size is {@code tree_size} ({@code TREE_SIZE});
 *   <li>the inclusion proof leads from the leaf hash at {@code leaf_index} to the checkpoint's root
 *       (RFC 9162 §2.1.3.2; {@code INCLUSION});
 *   <li>the tlog proof holds the same index, hashes and checkpoint, and no extra data ({@code
 *       TLOG_PROOF});
 *   <li>the JWS verifies with the JWKS key its kid names (RFC 7515, RFC 8037; {@code
 *       JWS_UNKNOWN_KEY}, {@code JWS_SIGNATURE}), skipped when no JWKS is given;
 *   <li>the JWS payload is canonical JSON, and is the entry plus {@code log_index} = {@code
 *       leaf_index} and {@code log_origin} = the checkpoint's origin ({@code BINDING});
 *   <li>neither the JWS key nor every key that signed the checkpoint is revoked as compromised from
 *       a time at or before the entry's {@code ts} ({@code KEY_COMPROMISED}); compromised only
 *       later, the receipt verifies with a warning.
 * </ol>
 *
 * Stateless and thread-safe.
 */
public final class ReceiptVerifier {
  /** Largest receipt document read, in bytes. */
  public static final int MAX_RECEIPT_BYTES = 4 * 1024 * 1024;

  private static final JsonLimits RECEIPT_LIMITS =
      new JsonLimits(MAX_RECEIPT_BYTES, 32, 2 * 1024 * 1024, 100, 10_000);

  private ReceiptVerifier() {}

  /**
   * Parses {@code json} strictly and verifies it as {@link #verify(JsonNode, List, Jwks)} does.
   *
   * @throws ReceiptException {@code MALFORMED} if it is not strict JSON, else as the other method
   */
  public static VerifiedReceipt verify(
      byte[] json, List<NoteVerifierKey> logKeys, @Nullable Jwks jwks) throws ReceiptException {
    return verify(json, LogKeys.of(logKeys), jwks);
  }

  /** As {@link #verify(byte[], List, Jwks)}, with a key set that may mark keys compromised. */
  public static VerifiedReceipt verify(byte[] json, LogKeys logKeys, @Nullable Jwks jwks)
      throws ReceiptException {
    JsonNode node;
    try {
      node = StrictJson.parse(json, RECEIPT_LIMITS);
    } catch (JsonRejected e) {
      throw ReceiptException.malformed(
          "receipt is not strict JSON"
              + (e.pointer().isEmpty() ? "" : " at " + e.pointer())
              + ": "
              + e.getMessage());
    }
    return verify(node, logKeys, jwks);
  }

  /**
   * Verifies {@code receipt}, the receipt document itself (not a response that contains it).
   *
   * @param logKeys the log's trusted verifier keys
   * @param jwks Warden's receipt keys; null to skip the JWS signature (the result says so)
   * @throws ReceiptException naming the first check that failed
   */
  public static VerifiedReceipt verify(
      JsonNode receipt, List<NoteVerifierKey> logKeys, @Nullable Jwks jwks)
      throws ReceiptException {
    return verify(receipt, LogKeys.of(logKeys), jwks);
  }

  /** As {@link #verify(JsonNode, List, Jwks)}, with a key set that may mark keys compromised. */
  public static VerifiedReceipt verify(JsonNode receipt, LogKeys logKeys, @Nullable Jwks jwks)
      throws ReceiptException {
    Receipt r = Receipt.fromJson(receipt);

    byte[] entryBytes = r.entry().getBytes(StandardCharsets.UTF_8);
    ObjectNode entry = canonicalObject(r.entry(), entryBytes);
    byte[] leafHash = MerkleHasher.leafHash(entryBytes);

    Checkpoint checkpoint = openCheckpoint(r.checkpoint(), logKeys.keys());
    if (checkpoint.size() != r.treeSize()) {
      throw new ReceiptException(
          Reason.TREE_SIZE,
          "checkpoint size " + checkpoint.size() + " is not tree_size " + r.treeSize());
    }
    try {
      MerkleProofs.verifyInclusion(
          leafHash, r.leafIndex(), checkpoint.size(), r.hashes(), checkpoint.root());
    } catch (ProofException e) {
      throw new ReceiptException(
          Reason.INCLUSION,
          "entry is not leaf " + r.leafIndex() + " of the checkpoint's tree: " + e.getMessage());
    }
    checkTlogProof(r);

    byte[] payload;
    VerifiedReceipt.JwsCheck jwsCheck;
    if (jwks == null) {
      payload = CompactJws.parse(r.jws()).payload();
      jwsCheck = new VerifiedReceipt.NotChecked();
    } else {
      payload = CompactJws.verify(r.jws(), jwks);
      jwsCheck = new VerifiedReceipt.Verified(CompactJws.parse(r.jws()).kid());
    }
    checkBinding(payload, entryBytes, r.leafIndex(), checkpoint.origin());
    List<String> warnings = new ArrayList<>();
    Optional<Instant> cpSince = logKeys.compromisedSigner(r.checkpoint());
    if (cpSince.isPresent()) {
      compromise(entry, "the checkpoint's log key", cpSince.get(), warnings);
    }
    if (jwsCheck instanceof VerifiedReceipt.Verified v && jwks != null) {
      Optional<Instant> since = jwks.compromisedSince(v.kid());
      if (since.isPresent()) {
        compromise(entry, "receipt key " + v.kid(), since.get(), warnings);
      }
    }
    return new VerifiedReceipt(entry, r.leafIndex(), checkpoint, jwsCheck, warnings);
  }

  /**
   * A key that signed this receipt is compromised since {@code since}: at or after it, the receipt
   * fails; before it, it verifies with a warning. The signing time is the entry's {@code ts} (the
   * receipt's checkpoint is signed with the entry's batch).
   */
  private static void compromise(ObjectNode entry, String key, Instant since, List<String> warnings)
      throws ReceiptException {
    Instant ts;
    try {
      ts = Instant.parse(entry.path("ts").asText(""));
    } catch (RuntimeException e) {
      throw new ReceiptException(
          Reason.KEY_COMPROMISED,
          key + " is compromised since " + since + " and the entry has no readable ts");
    }
    if (!ts.isBefore(since)) {
      throw new ReceiptException(
          Reason.KEY_COMPROMISED,
          key
              + " was revoked as compromised since "
              + since
              + "; this receipt's entry is from "
              + ts
              + ", so it may be forged: do not trust it");
    }
    warnings.add(
        key
            + " was revoked as compromised since "
            + since
            + "; this receipt's entry is from "
            + ts
            + ", before that, so it still counts");
  }

  private static ObjectNode canonicalObject(String text, byte[] bytes) throws ReceiptException {
    JsonNode node;
    try {
      node = StrictJson.parse(bytes, Receipt.ENTRY_LIMITS);
    } catch (JsonRejected e) {
      throw new ReceiptException(Reason.ENTRY_HASH, "entry is not strict JSON: " + e.getMessage());
    }
    // Compared as text too: an unpaired surrogate would have become '?' in the bytes.
    if (!(node instanceof ObjectNode object) || !Canonical.text(node).equals(text)) {
      throw new ReceiptException(
          Reason.ENTRY_HASH, "entry is not a JSON object in RFC 8785 canonical form");
    }
    return object;
  }

  private static Checkpoint openCheckpoint(String note, List<NoteVerifierKey> logKeys)
      throws ReceiptException {
    try {
      return Checkpoint.open(note, logKeys);
    } catch (NoteException e) {
      Reason reason =
          switch (e.reason()) {
            case MALFORMED -> Reason.MALFORMED;
            case UNKNOWN_KEY -> Reason.UNKNOWN_KEY;
            case BAD_SIGNATURE -> Reason.CHECKPOINT_SIGNATURE;
          };
      throw new ReceiptException(reason, "checkpoint: " + e.getMessage());
    }
  }

  private static void checkTlogProof(Receipt r) throws ReceiptException {
    TlogProof t;
    try {
      t = TlogProof.parse(r.tlogProof());
    } catch (NoteException e) {
      throw ReceiptException.malformed("tlog_proof: " + e.getMessage());
    }
    List<byte[]> hashes = r.hashes();
    List<byte[]> tHashes = t.hashes();
    boolean sameHashes = hashes.size() == tHashes.size();
    for (int i = 0; sameHashes && i < hashes.size(); i++) {
      sameHashes = Arrays.equals(hashes.get(i), tHashes.get(i));
    }
    if (t.extra() != null
        || t.index() != r.leafIndex()
        || !sameHashes
        || !t.checkpoint().equals(r.checkpoint())) {
      throw new ReceiptException(
          Reason.TLOG_PROOF,
          "tlog_proof does not hold the receipt's leaf_index, hashes and checkpoint (or has extra"
              + " data)");
    }
  }

  private static void checkBinding(byte[] payload, byte[] entry, long leafIndex, String origin)
      throws ReceiptException {
    JsonNode node;
    try {
      node = StrictJson.parse(payload, Receipt.ENTRY_LIMITS);
    } catch (JsonRejected e) {
      throw new ReceiptException(Reason.BINDING, "JWS payload is not strict JSON");
    }
    if (!(node instanceof ObjectNode p) || !Arrays.equals(Canonical.bytes(p), payload)) {
      throw new ReceiptException(
          Reason.BINDING, "JWS payload is not a JSON object in RFC 8785 canonical form");
    }
    JsonNode index = p.remove("log_index");
    if (index == null
        || !index.isIntegralNumber()
        || !index.canConvertToLong()
        || index.longValue() != leafIndex) {
      throw new ReceiptException(
          Reason.BINDING, "JWS payload log_index is not the receipt's leaf_index " + leafIndex);
    }
    JsonNode o = p.remove("log_origin");
    if (o == null || !o.isTextual() || !o.textValue().equals(origin)) {
      throw new ReceiptException(
          Reason.BINDING, "JWS payload log_origin is not the checkpoint's origin " + origin);
    }
    if (!Arrays.equals(Canonical.bytes(p), entry)) {
      throw new ReceiptException(
          Reason.BINDING, "JWS payload without log_index and log_origin is not the entry");
    }
  }
}
