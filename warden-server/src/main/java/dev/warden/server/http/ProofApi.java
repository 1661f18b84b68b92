package dev.warden.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warden.error.ErrorCode;
import dev.warden.error.RequestRejected;
import dev.warden.log.MerkleProofs;
import dev.warden.log.NodeSource;
import dev.warden.note.TlogProof;
import dev.warden.pipeline.Receipts;
import dev.warden.store.DecisionRef;
import dev.warden.store.LogStore;
import dev.warden.store.StoreException;
import dev.warden.store.StoredCheckpoint;
import dev.warden.store.StoredEntry;
import io.javalin.http.Context;
import java.util.Base64;
import java.util.List;

/**
 * Public proofs (SPEC §12, §16): inclusion and consistency per RFC 9162 in the JSON forms of the
 * spec (and the C2SP tlog-proof text form for inclusion, with {@code format=tlog-proof}), the
 * receipt of any decision, and the JWKS that verifies receipts.
 */
public final class ProofApi {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final LogStore store;
  private final Receipts receipts;
  private final java.util.function.Supplier<String> jwks;

  public ProofApi(LogStore store, Receipts receipts, java.util.function.Supplier<String> jwks) {
    this.store = store;
    this.receipts = receipts;
    this.jwks = jwks;
  }

  /** {@code GET /v1/log/proof/inclusion?index=&size=[&format=tlog-proof]}. */
  public void inclusion(Context ctx) throws RequestRejected, StoreException {
    long index = LogApi.param(ctx, "index", -1);
    long size = LogApi.param(ctx, "size", store.head().size());
    if (index < 0) {
      throw LogApi.invalid("index is required");
    }
    requireSize(size);
    if (index >= size) {
      throw LogApi.invalid("index " + index + " is not in a tree of size " + size);
    }
    List<byte[]> proof =
        MerkleProofs.inclusion(
            index, size, NodeSource.of(store.nodes(MerkleProofs.inclusionNodes(index, size))));
    if ("tlog-proof".equals(ctx.queryParam("format"))) {
      StoredCheckpoint cp =
          store.checkpoints(size, 1).stream()
              .filter(c -> c.size() == size)
              .findFirst()
              .orElseThrow(
                  () ->
                      new RequestRejected(
                          ErrorCode.REQUEST_NOT_FOUND,
                          "no signed checkpoint of size "
                              + size
                              + "; ask for the size of one (GET /v1/log/checkpoint)"));
      ctx.contentType("text/plain; charset=utf-8")
          .result(new TlogProof(null, index, proof, cp.note()).format());
      return;
    }
    ObjectNode out = JSON.createObjectNode();
    out.put("leaf_index", index);
    out.put("tree_size", size);
    hashes(out, proof);
    ctx.contentType("application/json").result(out.toString());
  }

  /** {@code GET /v1/log/proof/consistency?size1=&size2=}. */
  public void consistency(Context ctx) throws RequestRejected, StoreException {
    long size1 = LogApi.param(ctx, "size1", -1);
    long size2 = LogApi.param(ctx, "size2", store.head().size());
    if (size1 < 0) {
      throw LogApi.invalid("size1 is required");
    }
    requireSize(size2);
    if (size1 > size2) {
      throw LogApi.invalid("size1 must not be larger than size2");
    }
    List<byte[]> proof =
        MerkleProofs.consistency(
            size1, size2, NodeSource.of(store.nodes(MerkleProofs.consistencyNodes(size1, size2))));
    ObjectNode out = JSON.createObjectNode();
    out.put("size1", size1);
    out.put("size2", size2);
    hashes(out, proof);
    ctx.contentType("application/json").result(out.toString());
  }

  /** {@code GET /v1/decisions/{id}/receipt}: public, like the log it proves against. */
  public void receipt(Context ctx) throws RequestRejected, StoreException {
    String id = ctx.pathParam("id");
    DecisionRef ref =
        store
            .findDecision(id)
            .orElseThrow(
                () -> new RequestRejected(ErrorCode.REQUEST_NOT_FOUND, "no decision " + id));
    List<StoredEntry> e = store.read(ref.index(), ref.index() + 1);
    if (e.isEmpty()) {
      throw new StoreException(
          StoreException.Kind.CORRUPT, "decision " + id + " points past the log");
    }
    ctx.contentType("application/json")
        .result(receipts.receipt(e.get(0).entry(), ref.index()).toString());
  }

  /** {@code GET /.well-known/warden/jwks.json}. */
  public void jwks(Context ctx) {
    ctx.contentType("application/json").result(jwks.get());
  }

  private void requireSize(long size) throws RequestRejected, StoreException {
    long head = store.head().size();
    if (size < 1 || size > head) {
      throw LogApi.invalid("size must be between 1 and the log's size, " + head);
    }
  }

  private static void hashes(ObjectNode out, List<byte[]> proof) {
    ArrayNode a = out.putArray("hashes");
    for (byte[] h : proof) {
      a.add(Base64.getEncoder().encodeToString(h));
    }
  }
}
