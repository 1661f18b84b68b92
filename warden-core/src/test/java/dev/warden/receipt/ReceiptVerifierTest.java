package dev.warden.receipt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warden.json.Canonical;
import dev.warden.note.NoteSigner;
import dev.warden.note.NoteVerifierKey;
import dev.warden.note.TlogProof;
import dev.warden.receipt.ReceiptException.Reason;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Receipts issued by {@link ReceiptIssuer} verify; every check of {@link ReceiptVerifier} refuses
 * its own mutation with its own reason; seeded fuzzing lets only ReceiptException escape. Reproduce
 * a failure with {@code -Dwarden.seed=<seed>}.
 */
class ReceiptVerifierTest {
  private static final long SEED = Long.getLong("warden.seed", 0x4ec_e1b7L);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ReceiptFixture F = new ReceiptFixture(SEED, 42);

  private static List<NoteVerifierKey> logKeys() {
    return List.of(F.logSigner.verifierKey());
  }

  @Test
  void verify_issuedReceiptOfEveryLeaf_returnsEntryIndexAndCheckpoint() throws Exception {
    for (int i = 0; i < 42; i++) {
      JsonNode doc = JSON.readTree(JSON.writeValueAsString(F.receipt(i).toJson()));
      VerifiedReceipt v = ReceiptVerifier.verify(doc, logKeys(), F.jwks);
      assertThat(Canonical.bytes(v.entry())).isEqualTo(F.entries.get(i));
      assertThat(v.leafIndex()).isEqualTo(i);
      assertThat(v.checkpoint().origin()).isEqualTo(ReceiptFixture.ORIGIN);
      assertThat(v.checkpoint().size()).isEqualTo(42);
      assertThat(v.jws()).isEqualTo(new VerifiedReceipt.Verified(F.kid));
    }
  }

  @Test
  void verify_withoutJwks_saysJwsNotChecked() throws Exception {
    VerifiedReceipt v = ReceiptVerifier.verify(F.receipt(41).toJson(), logKeys(), null);
    assertThat(v.jws()).isInstanceOf(VerifiedReceipt.NotChecked.class);
  }

  @Test
  void receipt_toJsonAndFromJson_roundTripAndPayloadBindsEntry() throws Exception {
    Receipt r = F.receipt(41);
    byte[] text = JSON.writeValueAsBytes(r.toJson());
    assertThat(ReceiptVerifier.verify(text, logKeys(), F.jwks).leafIndex()).isEqualTo(41);
    Receipt back = Receipt.fromJson(JSON.readTree(text));
    assertThat(back.toJson()).isEqualTo(r.toJson());
    ObjectNode payload = (ObjectNode) JSON.readTree(CompactJws.verify(r.jws(), F.jwks));
    assertThat(payload.get("log_index").asLong()).isEqualTo(41);
    assertThat(payload.get("log_origin").asText()).isEqualTo(ReceiptFixture.ORIGIN);
    assertThat(TlogProof.parse(r.tlogProof()).index()).isEqualTo(41);
  }

  @Test
  void verify_malformedDocuments_throwMalformed() {
    assertReason(mutate(p -> p.remove("tlog_proof")), Reason.MALFORMED);
    assertReason(mutate(p -> p.put("extra", 1)), Reason.MALFORMED);
    assertReason(mutate(p -> p.put("leaf_index", "41")), Reason.MALFORMED);
    assertReason(mutate(p -> p.put("leaf_index", -1)), Reason.MALFORMED);
    assertReason(mutate(p -> p.put("leaf_index", 41.5)), Reason.MALFORMED);
    assertReason(mutate(p -> p.withArray("hashes").set(0, "not base64!")), Reason.MALFORMED);
    assertReason(mutate(p -> p.put("checkpoint", "garbage")), Reason.MALFORMED);
    assertReason(mutate(p -> p.put("tlog_proof", "garbage")), Reason.MALFORMED);
    ObjectNode r = F.receipt(41).toJson();
    r.put("jws", "a.b");
    assertReason(r, Reason.MALFORMED);
    assertThatThrownBy(
            () -> ReceiptVerifier.verify("[]".getBytes(StandardCharsets.UTF_8), logKeys(), F.jwks))
        .isInstanceOfSatisfying(
            ReceiptException.class, e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED));
  }

  @Test
  void verify_entryNotCanonical_throwsEntryHash() {
    String entry = new String(F.entries.get(41), StandardCharsets.UTF_8);
    assertReason(mutate(p -> p.put("entry", entry.replace(",", ", "))), Reason.ENTRY_HASH);
    assertReason(mutate(p -> p.put("entry", entry.substring(1))), Reason.ENTRY_HASH);
    assertReason(mutate(p -> p.put("entry", "[" + entry + "]")), Reason.ENTRY_HASH);
    assertReason(
        mutate(p -> p.put("entry", entry.replace("\"v\":1", "\"v\":1.0"))), Reason.ENTRY_HASH);
  }

  @Test
  void verify_bitFlippedInEntryText_throwsInclusion() {
    String entry = new String(F.entries.get(41), StandardCharsets.UTF_8);
    // 'a' (0x61) -> 'c' (0x63): still canonical JSON, another leaf hash.
    String flipped = entry.replace("\"acme\"", "\"ccme\"");
    assertThat(flipped).isNotEqualTo(entry);
    assertReason(mutate(p -> p.put("entry", flipped)), Reason.INCLUSION);
  }

  @Test
  void verify_bitFlippedInEveryProofHash_throwsInclusion() {
    Receipt r = F.receipt(41);
    List<byte[]> hashes = r.hashes();
    for (int h = 0; h < hashes.size(); h++) {
      for (int bit = 0; bit < 256; bit += 37) {
        byte[] bad = hashes.get(h).clone();
        bad[bit / 8] ^= (byte) (1 << (bit % 8));
        int index = h;
        assertReason(
            mutate(p -> p.withArray("hashes").set(index, Base64.getEncoder().encodeToString(bad))),
            Reason.INCLUSION);
      }
    }
  }

  @Test
  void verify_leafIndexSwapped_throwsInclusion() {
    assertReason(mutate(p -> p.put("leaf_index", 40)), Reason.INCLUSION);
  }

  @Test
  void verify_bitFlippedInCheckpointSignature_throwsCheckpointSignature() {
    String cp = F.checkpoint;
    int at = cp.lastIndexOf(' ') + 1;
    byte[] sig = Base64.getDecoder().decode(cp.substring(at, cp.length() - 1));
    sig[10] ^= 0x04; // a signature byte, after the 4-byte key ID
    String bad = cp.substring(0, at) + Base64.getEncoder().encodeToString(sig) + "\n";
    assertReason(mutate(p -> p.put("checkpoint", bad)), Reason.CHECKPOINT_SIGNATURE);
  }

  @Test
  void verify_anotherLogsKey_throwsUnknownKey() throws Exception {
    NoteSigner other =
        new NoteSigner(ReceiptFixture.ORIGIN, ReceiptFixture.key(new SplittableRandom(SEED + 1)));
    assertThatThrownBy(
            () ->
                ReceiptVerifier.verify(
                    F.receipt(41).toJson(), List.of(other.verifierKey()), F.jwks))
        .isInstanceOfSatisfying(
            ReceiptException.class, e -> assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_KEY));
  }

  @Test
  void verify_treeSizeNotTheCheckpoints_throwsTreeSize() {
    assertReason(mutate(p -> p.put("tree_size", 41)), Reason.TREE_SIZE);
  }

  @Test
  void verify_tlogProofOfAnotherLeafOrWithExtra_throwsTlogProof() {
    String other = new TlogProof(null, 40, F.proof(40), F.checkpoint).format();
    assertReason(mutate(p -> p.put("tlog_proof", other)), Reason.TLOG_PROOF);
    String extra = new TlogProof(new byte[] {1}, 41, F.proof(41), F.checkpoint).format();
    assertReason(mutate(p -> p.put("tlog_proof", extra)), Reason.TLOG_PROOF);
  }

  @Test
  void verify_anotherJwsKey_throwsJwsUnknownKey() throws Exception {
    Jwks otherJwks = Jwks.of(ReceiptFixture.key(new SplittableRandom(SEED + 2)).publicKey());
    assertThatThrownBy(() -> ReceiptVerifier.verify(F.receipt(41).toJson(), logKeys(), otherJwks))
        .isInstanceOfSatisfying(
            ReceiptException.class, e -> assertThat(e.reason()).isEqualTo(Reason.JWS_UNKNOWN_KEY));
  }

  @Test
  void verify_bitFlippedInJwsSignature_throwsJwsSignature() {
    String jws = F.receipt(41).jws();
    int dot = jws.lastIndexOf('.');
    byte[] sig = Base64.getUrlDecoder().decode(jws.substring(dot + 1));
    for (int bit = 0; bit < 512; bit += 17) {
      byte[] bad = sig.clone();
      bad[bit / 8] ^= (byte) (1 << (bit % 8));
      ObjectNode r = F.receipt(41).toJson();
      r.put(
          "jws",
          jws.substring(0, dot + 1) + Base64.getUrlEncoder().withoutPadding().encodeToString(bad));
      assertReason(r, Reason.JWS_SIGNATURE);
    }
  }

  @Test
  void verify_jwsPayloadNotBoundToEntry_throwsBinding() throws Exception {
    ObjectNode payload = (ObjectNode) JSON.readTree(F.entries.get(41));
    payload.put("log_index", 40);
    payload.put("log_origin", ReceiptFixture.ORIGIN);
    assertReason(withJws(Canonical.bytes(payload)), Reason.BINDING);

    payload.put("log_index", 41);
    payload.put("log_origin", "other.example/log");
    assertReason(withJws(Canonical.bytes(payload)), Reason.BINDING);

    payload.put("log_origin", ReceiptFixture.ORIGIN);
    payload.put("decision", "allow".equals(payload.get("decision").asText()) ? "deny" : "allow");
    assertReason(withJws(Canonical.bytes(payload)), Reason.BINDING);

    ObjectNode good = (ObjectNode) JSON.readTree(F.entries.get(41));
    good.put("log_index", 41);
    good.put("log_origin", ReceiptFixture.ORIGIN);
    byte[] pretty = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(good);
    assertReason(withJws(pretty), Reason.BINDING); // right content, not canonical
    assertThat(
            ReceiptVerifier.verify(withJws(Canonical.bytes(good)), logKeys(), F.jwks).leafIndex())
        .isEqualTo(41);
  }

  @Test
  void verify_jwsWithoutJwksButNotBound_stillThrowsBinding() throws Exception {
    ObjectNode payload = (ObjectNode) JSON.readTree(F.entries.get(41));
    payload.put("log_index", 40);
    payload.put("log_origin", ReceiptFixture.ORIGIN);
    ObjectNode r = withJws(Canonical.bytes(payload));
    assertThatThrownBy(() -> ReceiptVerifier.verify(r, logKeys(), null))
        .isInstanceOfSatisfying(
            ReceiptException.class, e -> assertThat(e.reason()).isEqualTo(Reason.BINDING));
  }

  @Test
  void issue_proofOrCheckpointNotFitting_throwsIllegalArgument() {
    assertThatThrownBy(() -> F.issuer.issue(F.entries.get(41), 40, F.proof(41), F.checkpoint))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> F.issuer.issue(F.entries.get(40), 41, F.proof(41), F.checkpoint))
        .isInstanceOf(IllegalArgumentException.class);
    ReceiptIssuer otherOrigin = new ReceiptIssuer(F.receiptKeyPair, F.kid, "other.example/log");
    assertThatThrownBy(() -> otherOrigin.issue(F.entries.get(41), 41, F.proof(41), F.checkpoint))
        .isInstanceOf(IllegalArgumentException.class);
    byte[] notCanonical = "{\"b\":1, \"a\":2}".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> F.issuer.issue(notCanonical, 41, F.proof(41), F.checkpoint))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void verify_randomByteMutationsOfDocument_onlyReceiptExceptionAndNeverAnotherEntry()
      throws Exception {
    byte[] good = JSON.writeValueAsBytes(F.receipt(17).toJson());
    for (int run = 0; run < 3_000; run++) {
      long seed = SEED + run;
      SplittableRandom random = new SplittableRandom(seed);
      byte[] bad = good.clone();
      int flips = 1 + random.nextInt(3);
      for (int k = 0; k < flips; k++) {
        bad[random.nextInt(bad.length)] ^= (byte) (1 << random.nextInt(8));
      }
      try {
        VerifiedReceipt v = ReceiptVerifier.verify(bad, logKeys(), F.jwks);
        assertThat(Canonical.bytes(v.entry())).as("seed %d", seed).isEqualTo(F.entries.get(17));
        assertThat(v.leafIndex()).as("seed %d", seed).isEqualTo(17);
      } catch (ReceiptException expected) {
        // refused: fine
      } catch (RuntimeException e) {
        throw new AssertionError("seed " + seed + ": " + e, e);
      }
    }
  }

  // --- helpers -----------------------------------------------------------------------------

  private static ObjectNode mutate(Consumer<ObjectNode> change) {
    ObjectNode r = F.receipt(41).toJson();
    change.accept((ObjectNode) r.get("proof"));
    return r;
  }

  private static ObjectNode withJws(byte[] payload) {
    ObjectNode r = F.receipt(41).toJson();
    r.put("jws", CompactJws.sign(payload, F.receiptKeyPair, F.kid));
    return r;
  }

  private static void assertReason(JsonNode receipt, Reason reason) {
    assertThatThrownBy(() -> ReceiptVerifier.verify(receipt, logKeys(), F.jwks))
        .isInstanceOfSatisfying(
            ReceiptException.class,
            e -> {
              assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason);
              assertThat(e.getMessage()).isNotBlank();
            });
  }
}
