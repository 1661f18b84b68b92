package dev.warden.note;

import static dev.warden.note.SignedNoteTest.assertReason;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.log.MerkleHasher;
import dev.warden.log.MerkleProofs;
import dev.warden.log.NodeSource;
import dev.warden.log.ProofException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** C2SP tlog proofs: the spec's example, round trips, verification, strict parsing, fuzzing. */
class TlogProofTest {
  private static final long SEED = Long.getLong("warden.seed", 0x71_09_9f0fL);
  private static final String ORIGIN = "warden.example.com/log";
  private static final NoteSigner LOG = new NoteSigner(ORIGIN, C2spExamples.key(21));

  @Test
  void parse_tlogProofSpecExampleAsPrinted_throwsMalformedForElidedSignatures() {
    String example = C2spExamples.codeBlocks("tlog-proof.md").get(0);
    assertThat(example).contains("hI2DJw[...]1roloI=");
    assertReason(() -> TlogProof.parse(example), NoteException.Reason.MALFORMED);
  }

  @Test
  void parse_tlogProofSpecExampleWithRealSignature_readsEveryLineAndFormatsBack() throws Exception {
    String example = C2spExamples.codeBlocks("tlog-proof.md").get(0);
    int cut = example.indexOf("\n\n\u2014 ");
    String head = example.substring(0, cut + 1); // up to the checkpoint text, inclusive
    String checkpointText = head.substring(head.indexOf("\n\n") + 2);
    NoteSigner fancy = new NoteSigner("example.com/fancylog", C2spExamples.key(22));
    String proofText = head.substring(0, head.indexOf("\n\n") + 2) + fancy.sign(checkpointText);

    TlogProof p = TlogProof.parse(proofText);

    assertThat(p.extra())
        .isEqualTo(
            Base64.getDecoder().decode("YWdlLXYxLjIuMS1kYXJ3aW4tYXJtNjQudGFyLmd6kYXJ3aW4tYXJ"));
    assertThat(p.index()).isEqualTo(73_894);
    assertThat(p.hashes()).hasSize(5);
    assertThat(Base64.getEncoder().encodeToString(p.hashes().get(0)))
        .isEqualTo("gSKyXoYZUgZ6jduWYrkDOARinOMGJveXjgMkBTcdPlQ=");
    assertThat(p.format()).isEqualTo(proofText);
    Checkpoint c = Checkpoint.parse(SignedNote.parse(p.checkpoint()).text());
    assertThat(c.origin()).isEqualTo("example.com/fancylog");
    assertThat(c.size()).isEqualTo(109_482);
    // The spec's hashes are not a real proof for any leaf we know.
    assertThatThrownBy(() -> p.verify(new byte[32], List.of(fancy.verifierKey())))
        .isInstanceOf(ProofException.class);
  }

  @Test
  void verify_proofOfEveryLeafOfARandomTree_returnsCheckpoint() throws Exception {
    SplittableRandom random = new SplittableRandom(SEED);
    List<byte[]> leaves = new ArrayList<>();
    for (int i = 0; i < 37; i++) {
      leaves.add(
          MerkleHasher.leafHash(("entry " + random.nextLong()).getBytes(StandardCharsets.UTF_8)));
    }
    NodeSource nodes = NodeSource.ofLeaves(leaves);
    Checkpoint c = new Checkpoint(ORIGIN, 37, MerkleProofs.root(37, nodes));
    String signed = LOG.sign(c.body());
    for (int i = 0; i < 37; i++) {
      TlogProof p = new TlogProof(null, i, MerkleProofs.inclusion(i, 37, nodes), signed);
      TlogProof parsed = TlogProof.parse(p.format());
      assertThat(parsed).isEqualTo(p);
      assertThat(parsed.verify(leaves.get(i), List.of(LOG.verifierKey()))).isEqualTo(c);
      int other = (i + 1) % 37;
      assertThatThrownBy(() -> parsed.verify(leaves.get(other), List.of(LOG.verifierKey())))
          .as("seed %d leaf %d", SEED, i)
          .isInstanceOf(ProofException.class);
    }
    TlogProof p0 = new TlogProof(null, 0, MerkleProofs.inclusion(0, 37, nodes), signed);
    NoteSigner impostor = new NoteSigner(ORIGIN, C2spExamples.key(23));
    assertReason(
        () -> p0.verify(leaves.get(0), List.of(impostor.verifierKey())),
        NoteException.Reason.UNKNOWN_KEY);
  }

  @Test
  void format_withExtraAndNoHashes_roundTrips() throws Exception {
    String signed = LOG.sign(new Checkpoint(ORIGIN, 1, new byte[32]).body());
    TlogProof p = new TlogProof(new byte[] {1, 2, 3}, 0, List.of(), signed);
    assertThat(p.format()).isEqualTo(TlogProof.HEADER + "\nextra AQID\nindex 0\n\n" + signed);
    assertThat(TlogProof.parse(p.format())).isEqualTo(p);
    assertThat(TlogProof.parse(p.format()).extra()).containsExactly(1, 2, 3);
  }

  @Test
  void parse_malformedProofs_throwMalformed() {
    String signed = LOG.sign(new Checkpoint(ORIGIN, 2, new byte[32]).body());
    String hash = Base64.getEncoder().encodeToString(new byte[32]);
    String good = TlogProof.HEADER + "\nindex 1\n" + hash + "\n\n" + signed;
    List<String[]> cases =
        List.of(
            new String[] {"wrong-header", good.replace("@v1", "@v2")},
            new String[] {"no-index", TlogProof.HEADER + "\n" + hash + "\n\n" + signed},
            new String[] {"index-leading-zero", good.replace("index 1", "index 01")},
            new String[] {"index-negative", good.replace("index 1", "index -1")},
            new String[] {"index-two-spaces", good.replace("index 1", "index  1")},
            new String[] {"extra-after-index", good.replace("index 1\n", "index 1\nextra AQID\n")},
            new String[] {"extra-empty", good.replace("index 1\n", "extra \nindex 1\n")},
            new String[] {
              "hash-31-bytes", good.replace(hash, Base64.getEncoder().encodeToString(new byte[31]))
            },
            new String[] {"hash-unpadded", good.replace(hash, hash.replace("=", ""))},
            new String[] {"no-empty-line", good.replace(hash + "\n\n", hash + "\n")},
            new String[] {"crlf", good.replace("\n", "\r\n")},
            new String[] {
              "checkpoint-unsigned", TlogProof.HEADER + "\nindex 1\n\nwarden\n2\n" + hash + "\n"
            },
            new String[] {"truncated", good.substring(0, 30)},
            new String[] {"empty", ""});
    for (String[] c : cases) {
      assertThatThrownBy(() -> TlogProof.parse(c[1]))
          .as(c[0])
          .isInstanceOfSatisfying(
              NoteException.class,
              e -> assertThat(e.reason()).isEqualTo(NoteException.Reason.MALFORMED));
    }
  }

  @Test
  void parse_sixtyFourHashes_throwsMalformed() {
    String signed = LOG.sign(new Checkpoint(ORIGIN, 2, new byte[32]).body());
    String hash = Base64.getEncoder().encodeToString(new byte[32]) + "\n";
    assertReason(
        () -> TlogProof.parse(TlogProof.HEADER + "\nindex 1\n" + hash.repeat(64) + "\n" + signed),
        NoteException.Reason.MALFORMED);
  }

  @Test
  void verifyParsed_randomMutations_onlyDeclaredExceptionsAndNeverAcceptsAnotherIndex()
      throws Exception {
    List<byte[]> leaves = new ArrayList<>();
    for (int i = 0; i < 11; i++) {
      leaves.add(MerkleHasher.leafHash(new byte[] {(byte) i}));
    }
    NodeSource nodes = NodeSource.ofLeaves(leaves);
    String signed = LOG.sign(new Checkpoint(ORIGIN, 11, MerkleProofs.root(11, nodes)).body());
    String good = new TlogProof(null, 6, MerkleProofs.inclusion(6, 11, nodes), signed).format();
    String alphabet = "\n\u2014 +=/aA019\r";
    for (int run = 0; run < 10_000; run++) {
      long seed = SEED + run;
      SplittableRandom random = new SplittableRandom(seed);
      StringBuilder s = new StringBuilder(good);
      int at = random.nextInt(s.length());
      switch (random.nextInt(3)) {
        case 0 -> s.deleteCharAt(at);
        case 1 -> s.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
        default -> s.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
      }
      try {
        TlogProof p = TlogProof.parse(s.toString());
        p.verify(leaves.get(6), List.of(LOG.verifierKey()));
        assertThat(p.index()).as("seed %d", seed).isEqualTo(6);
      } catch (NoteException | ProofException expected) {
        // refused: fine
      } catch (RuntimeException e) {
        throw new AssertionError("seed " + seed + ": " + e, e);
      }
    }
  }
}
