package dev.warden.note;

import static dev.warden.note.SignedNoteTest.assertReason;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Checkpoints (c2sp.org/tlog-checkpoint): the spec's example, round trips, strict parsing. */
class CheckpointTest {
  private static final long SEED = Long.getLong("warden.seed", 0xc4ec_4b01L);
  private static final String ORIGIN = "warden.example.com/log";
  private static final NoteSigner LOG = new NoteSigner(ORIGIN, C2spExamples.key(11));
  private static final byte[] ROOT = new byte[32];

  static {
    new SplittableRandom(1).nextBytes(ROOT);
  }

  @Test
  void parse_tlogCheckpointSpecExample_readsOriginSizeAndRoot() throws Exception {
    String note = C2spExamples.codeBlocks("tlog-checkpoint.md").get(0);
    SignedNote parsed = SignedNote.parse(note);
    Checkpoint c = Checkpoint.parse(parsed.text());
    assertThat(c.origin()).isEqualTo("example.com/behind-the-sofa");
    assertThat(c.size()).isEqualTo(20_852_163L);
    assertThat(Base64.getEncoder().encodeToString(c.root()))
        .isEqualTo("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=");
    assertThat(c.extensions()).isEmpty();
    assertThat(c.body()).isEqualTo(parsed.text());
    // The spec gives no key for it.
    assertReason(
        () -> Checkpoint.open(note, List.of(LOG.verifierKey())), NoteException.Reason.UNKNOWN_KEY);
  }

  @Test
  void open_checkpointSignedByNoteSigner_verifiesWithItsVkey() throws Exception {
    Checkpoint c = new Checkpoint(ORIGIN, 42, ROOT, List.of("ext one", "ext two"));
    String note = LOG.sign(c.body());
    NoteVerifierKey vkey = NoteVerifierKey.parse(LOG.verifierKey().format());
    assertThat(Checkpoint.open(note, List.of(vkey))).isEqualTo(c);
    assertThat(c.body())
        .isEqualTo(
            ORIGIN + "\n42\n" + Base64.getEncoder().encodeToString(ROOT) + "\next one\next two\n");
  }

  @Test
  void open_signedByTrustedKeyNotNamedAsOrigin_throwsUnknownKey() throws Exception {
    NoteSigner other = new NoteSigner("other.example/log", C2spExamples.key(12));
    String note = other.sign(new Checkpoint(ORIGIN, 1, ROOT).body());
    assertReason(
        () -> Checkpoint.open(note, List.of(other.verifierKey())),
        NoteException.Reason.UNKNOWN_KEY);
  }

  @Test
  void open_wrongKey_throwsUnknownKeyAndTamperedSize_throwsBadSignature() throws Exception {
    String note = LOG.sign(new Checkpoint(ORIGIN, 42, ROOT).body());
    NoteSigner impostor = new NoteSigner(ORIGIN, C2spExamples.key(13));
    assertReason(
        () -> Checkpoint.open(note, List.of(impostor.verifierKey())),
        NoteException.Reason.UNKNOWN_KEY);
    assertReason(
        () -> Checkpoint.open(note.replace("\n42\n", "\n43\n"), List.of(LOG.verifierKey())),
        NoteException.Reason.BAD_SIGNATURE);
  }

  @Test
  void parse_malformedBodies_throwMalformed() {
    String root = Base64.getEncoder().encodeToString(ROOT);
    for (String[] c :
        List.of(
            new String[] {"two-lines", ORIGIN + "\n42\n"},
            new String[] {"no-final-newline", ORIGIN + "\n42\n" + root},
            new String[] {"empty-origin", "\n42\n" + root + "\n"},
            new String[] {"leading-zero", ORIGIN + "\n042\n" + root + "\n"},
            new String[] {"plus-sign", ORIGIN + "\n+42\n" + root + "\n"},
            new String[] {"negative", ORIGIN + "\n-1\n" + root + "\n"},
            new String[] {"hex-size", ORIGIN + "\n0x2a\n" + root + "\n"},
            new String[] {"space-after-size", ORIGIN + "\n42 \n" + root + "\n"},
            new String[] {"size-overflow", ORIGIN + "\n9223372036854775808\n" + root + "\n"},
            new String[] {"root-unpadded", ORIGIN + "\n42\n" + root.replace("=", "") + "\n"},
            new String[] {
              "root-31-bytes",
              ORIGIN + "\n42\n" + Base64.getEncoder().encodeToString(new byte[31]) + "\n"
            },
            new String[] {"root-base64url", ORIGIN + "\n42\n" + "_".repeat(43) + "=" + "\n"},
            new String[] {"empty-extension", ORIGIN + "\n42\n" + root + "\n\n"},
            new String[] {"crlf", ORIGIN + "\r\n42\r\n" + root + "\r\n"})) {
      assertThatThrownBy(() -> Checkpoint.parse(c[1]))
          .as(c[0])
          .isInstanceOfSatisfying(
              NoteException.class,
              e -> assertThat(e.reason()).isEqualTo(NoteException.Reason.MALFORMED));
    }
  }

  @Test
  void parse_zeroAndLargestSize_roundTrip() throws Exception {
    for (long size : new long[] {0, 1, Long.MAX_VALUE}) {
      Checkpoint c = new Checkpoint(ORIGIN, size, ROOT);
      assertThat(Checkpoint.parse(c.body())).isEqualTo(c);
    }
  }

  @Test
  void constructor_invalidFields_throw() {
    assertThatThrownBy(() -> new Checkpoint("", 1, ROOT))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Checkpoint("a\nb", 1, ROOT))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Checkpoint(ORIGIN, -1, ROOT))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Checkpoint(ORIGIN, 1, new byte[33]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Checkpoint(ORIGIN, 1, ROOT, List.of("")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void open_randomMutations_onlyNoteExceptionAndNeverAnotherCheckpoint() {
    Checkpoint c = new Checkpoint(ORIGIN, 123_456, ROOT);
    String good = LOG.sign(c.body());
    String alphabet = "\n\u2014 +=/aA09\r";
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
        assertThat(Checkpoint.open(s.toString(), List.of(LOG.verifierKey())))
            .as("seed %d", seed)
            .isEqualTo(c);
      } catch (NoteException expected) {
        // refused: fine
      } catch (RuntimeException e) {
        throw new AssertionError("seed " + seed + ": " + e, e);
      }
    }
  }
}
