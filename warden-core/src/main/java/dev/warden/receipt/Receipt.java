package dev.warden.receipt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warden.json.JsonLimits;
import dev.warden.log.MerkleHasher;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/**
 * A receipt document (SPEC §13), as JSON:
 *
 * <pre>
 * {"jws": "&lt;compact JWS&gt;",
 *  "proof": {"entry": "&lt;entry canonical JSON text&gt;", "leaf_index": 41, "tree_size": 42,
 *            "hashes": ["&lt;base64&gt;", ...], "checkpoint": "&lt;signed note&gt;",
 *            "tlog_proof": "&lt;C2SP tlog-proof&gt;"}}
 * </pre>
 *
 * Nothing here is verified: {@link ReceiptVerifier} does that.
 *
 * @param jws compact JWS whose payload is the entry plus {@code log_index} and {@code log_origin}
 * @param entry the entry's RFC 8785 canonical JSON text, as logged
 * @param leafIndex the entry's index in the log
 * @param treeSize the size of the tree the proof is against (the checkpoint's)
 * @param hashes the RFC 9162 inclusion proof, 32 bytes each
 * @param checkpoint the signed checkpoint note
 * @param tlogProof the same proof in the C2SP tlog-proof text form
 */
public record Receipt(
    String jws,
    String entry,
    long leafIndex,
    long treeSize,
    List<byte[]> hashes,
    String checkpoint,
    String tlogProof) {

  /** Largest integer a JSON number carries exactly (I-JSON, RFC 7493 §2.2): 2^53 - 1. */
  public static final long MAX_JSON_INTEGER = (1L << 53) - 1;

  /**
   * Bounds for parsing an entry or a JWS payload: generous, as entries were bounded when logged (a
   * policy entry holds a whole policy text).
   */
  static final JsonLimits ENTRY_LIMITS =
      new JsonLimits(4 * 1024 * 1024, 64, 2 * 1024 * 1024, 100, 100_000);

  private static final Set<String> TOP = Set.of("jws", "proof");
  private static final Set<String> PROOF =
      Set.of("entry", "leaf_index", "tree_size", "hashes", "checkpoint", "tlog_proof");

  /**
   * @throws IllegalArgumentException if an index or size is negative or above {@link
   *     #MAX_JSON_INTEGER}, a hash is not 32 bytes, or there are more than 63
   */
  public Receipt {
    if (leafIndex < 0
        || leafIndex > MAX_JSON_INTEGER
        || treeSize < 0
        || treeSize > MAX_JSON_INTEGER) {
      throw new IllegalArgumentException(
          "leaf index " + leafIndex + " or tree size " + treeSize + " is out of range");
    }
    if (hashes.size() > 63) {
      throw new IllegalArgumentException("an inclusion proof has at most 63 hashes");
    }
    List<byte[]> copy = new ArrayList<>(hashes.size());
    for (byte[] h : hashes) {
      if (h.length != MerkleHasher.HASH_SIZE) {
        throw new IllegalArgumentException("a proof hash is " + h.length + " bytes, not 32");
      }
      copy.add(h.clone());
    }
    hashes = List.copyOf(copy);
  }

  @Override
  public List<byte[]> hashes() {
    return hashes.stream().map(byte[]::clone).toList();
  }

  /** Equal when the JSON documents are equal. */
  @Override
  public boolean equals(Object o) {
    return o instanceof Receipt other && toJson().equals(other.toJson());
  }

  @Override
  public int hashCode() {
    return toJson().hashCode();
  }

  @Override
  public String toString() {
    return "Receipt[leaf " + leafIndex + " of tree size " + treeSize + "]";
  }

  /** The JSON document, members as the class description shows. */
  public ObjectNode toJson() {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    root.put("jws", jws);
    ObjectNode proof = root.putObject("proof");
    proof.put("entry", entry);
    proof.put("leaf_index", leafIndex);
    proof.put("tree_size", treeSize);
    ArrayNode array = proof.putArray("hashes");
    hashes.forEach(h -> array.add(Base64.getEncoder().encodeToString(h)));
    proof.put("checkpoint", checkpoint);
    proof.put("tlog_proof", tlogProof);
    return root;
  }

  /**
   * Reads a receipt document strictly: exactly the members above, strings where strings are,
   * integers in {@code [0, 2^53)} for index and size, canonical padded base64 of 32 bytes for each
   * hash.
   *
   * @throws ReceiptException {@code MALFORMED}, naming the member
   */
  public static Receipt fromJson(JsonNode node) throws ReceiptException {
    requireMembers(node, TOP, "receipt");
    JsonNode proof = node.get("proof");
    requireMembers(proof, PROOF, "receipt proof");
    JsonNode array = proof.get("hashes");
    if (!array.isArray() || array.size() > 63) {
      throw ReceiptException.malformed("receipt proof.hashes is not an array of at most 63");
    }
    List<byte[]> hashes = new ArrayList<>(array.size());
    for (JsonNode h : array) {
      byte[] b = h.isTextual() ? base64(h.textValue()) : null;
      if (b == null || b.length != MerkleHasher.HASH_SIZE) {
        throw ReceiptException.malformed(
            "receipt proof.hashes[" + hashes.size() + "] is not canonical base64 of 32 bytes");
      }
      hashes.add(b);
    }
    return new Receipt(
        text(node, "jws"),
        text(proof, "entry"),
        integer(proof, "leaf_index"),
        integer(proof, "tree_size"),
        hashes,
        text(proof, "checkpoint"),
        text(proof, "tlog_proof"));
  }

  private static void requireMembers(JsonNode node, Set<String> names, String what)
      throws ReceiptException {
    if (!node.isObject()) {
      throw ReceiptException.malformed(what + " is not a JSON object");
    }
    for (var member : node.properties()) {
      if (!names.contains(member.getKey())) {
        throw ReceiptException.malformed(what + " has unknown member " + member.getKey());
      }
    }
    for (String name : names) {
      if (!node.has(name)) {
        throw ReceiptException.malformed(what + " has no member " + name);
      }
    }
  }

  private static String text(JsonNode node, String name) throws ReceiptException {
    JsonNode v = node.get(name);
    if (!v.isTextual()) {
      throw ReceiptException.malformed("receipt member " + name + " is not a string");
    }
    return v.textValue();
  }

  private static long integer(JsonNode node, String name) throws ReceiptException {
    JsonNode v = node.get(name);
    if (!v.isIntegralNumber()
        || !v.canConvertToLong()
        || v.longValue() < 0
        || v.longValue() > MAX_JSON_INTEGER) {
      throw ReceiptException.malformed("receipt proof." + name + " is not an integer in [0, 2^53)");
    }
    return v.longValue();
  }

  private static byte @org.jspecify.annotations.Nullable [] base64(String s) {
    try {
      byte[] b = Base64.getDecoder().decode(s);
      return Base64.getEncoder().encodeToString(b).equals(s) ? b : null;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
