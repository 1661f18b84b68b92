package dev.warden.pipeline;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warden.log.GroupCommitLog;
import dev.warden.log.MerkleProofs;
import dev.warden.log.NodeSource;
import dev.warden.receipt.ReceiptIssuer;
import dev.warden.store.LogStore;
import dev.warden.store.StoreException;
import dev.warden.store.StoredCheckpoint;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The receipt of a logged entry (SPEC §13): its inclusion proof against the checkpoint of the batch
 * that wrote it, and the JWS. Both are functions of what is stored (Ed25519 signatures are
 * deterministic), so the receipt in an answer, in an idempotent replay and at {@code GET
 * /v1/decisions/{id}/receipt} is the same, byte for byte.
 */
public final class Receipts {
  private final LogStore store;
  private final ReceiptIssuer issuer;

  public Receipts(LogStore store, ReceiptIssuer issuer) {
    this.store = store;
    this.issuer = issuer;
  }

  /**
   * @throws StoreException {@code CORRUPT} if no checkpoint covers the entry or the stored tree
   *     does not lead to it
   */
  public ObjectNode receipt(byte[] entry, long index) throws StoreException {
    StoredCheckpoint cp =
        store
            .checkpointCovering(index)
            .orElseThrow(
                () ->
                    new StoreException(
                        StoreException.Kind.CORRUPT, "no checkpoint covers log entry " + index));
    NodeSource nodes = NodeSource.of(store.nodes(MerkleProofs.inclusionNodes(index, cp.size())));
    return issue(null, entry, index, MerkleProofs.inclusion(index, cp.size(), nodes), cp.note());
  }

  /**
   * The receipt of an entry just appended, from its batch's proofs in memory and the tree the entry
   * was made of ({@code entry} is {@code Canonical.bytes(node)}): the same receipt {@link
   * #receipt(byte[], long)} gives from the store, without reading or parsing.
   */
  public ObjectNode receipt(ObjectNode node, byte[] entry, GroupCommitLog.Appended appended)
      throws StoreException {
    long index = appended.index();
    return issue(
        node, entry, index, appended.batch().inclusion(index), appended.checkpoint().note());
  }

  private ObjectNode issue(
      @Nullable ObjectNode node, byte[] entry, long index, List<byte[]> proof, String checkpoint)
      throws StoreException {
    try {
      return (node == null
              ? issuer.issue(entry, index, proof, checkpoint)
              : issuer.issue(node, entry, index, proof, checkpoint))
          .toJson();
    } catch (IllegalArgumentException e) {
      // The issuer refuses a receipt that would not verify: the stored tree is damaged.
      throw new StoreException(
          StoreException.Kind.CORRUPT, "log entry " + index + " does not prove: " + e.getMessage());
    }
  }
}
