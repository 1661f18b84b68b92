package dev.warden.note;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Signed notes: the C2SP examples, round trips, and every rule of c2sp.org/signed-note §Format and
 * §Signatures. Seeded fuzzing: reproduce a failure with {@code -Dwarden.seed=<seed>}.
 */
class SignedNoteTest {
  private static final long SEED = Long.getLong("warden.seed", 0x5e1_90e5L);
  private static final NoteSigner SIGNER =
      new NoteSigner("warden.example.com/log", C2spExamples.key(1));
  private static final NoteSigner OTHER = new NoteSigner("witness.example", C2spExamples.key(2));
  private static final String TEXT = "warden.example.com/log\n42\n" + "A".repeat(43) + "=\n";

  @Test
  void verify_signedNoteSpecExampleWithSpecVkey_returnsText() throws Exception {
    NoteVerifierKey vkey =
        NoteVerifierKey.parse(C2spExamples.indentedLine("signed-note.md", "example.com/foo+"));
    String note = C2spExamples.codeBlocks("signed-note.md").get(1);
    assertThat(note).startsWith("This is an example message.\n\n\u2014 example.com/foo ");

    SignedNote parsed = SignedNote.parse(note);

    assertThat(parsed.verify(List.of(vkey))).isEqualTo("This is an example message.\n");
    assertThat(parsed.format()).isEqualTo(note);
  }

  @Test
  void verify_quasimodoSpecExample_parsesButIsSignedByUnknownKey() throws Exception {
    String note = C2spExamples.codeBlocks("signed-note.md").get(0);
    SignedNote parsed = SignedNote.parse(note);
    assertThat(parsed.text()).startsWith("Ognuno sta solo").endsWith("ed è subito sera.\n");
    assertThat(parsed.text()).contains("\n\n"); // text may hold blank lines; the last one splits
    assertThat(parsed.signatures())
        .singleElement()
        .extracting(SignedNote.Signature::name)
        .isEqualTo("quasimodo.example/salvatore");
    assertThat(parsed.format()).isEqualTo(note);
    NoteVerifierKey fooKey =
        NoteVerifierKey.parse(C2spExamples.indentedLine("signed-note.md", "example.com/foo+"));
    assertThatThrownBy(() -> parsed.verify(List.of(fooKey, SIGNER.verifierKey())))
        .isInstanceOfSatisfying(
            NoteException.class,
            e -> assertThat(e.reason()).isEqualTo(NoteException.Reason.UNKNOWN_KEY));
  }

  @Test
  void sign_thenParseAndVerify_returnsTextAndFormatsBack() throws Exception {
    for (String text : List.of(TEXT, "\n", "a\n\nb\n", "a\n\n", "unicode ✓ 𝄞\n")) {
      String note = SIGNER.sign(text);
      assertThat(note).isEqualTo(text + "\n\u2014 warden.example.com/log " + b64Sig(note) + "\n");
      SignedNote parsed = SignedNote.parse(note);
      assertThat(parsed.verify(List.of(SIGNER.verifierKey()))).as(text).isEqualTo(text);
      assertThat(parsed.format()).isEqualTo(note);
    }
  }

  @Test
  void verify_extraSignatureByUnknownKey_isIgnored() throws Exception {
    SignedNote note = new SignedNote(TEXT, List.of(OTHER.signature(TEXT), SIGNER.signature(TEXT)));
    assertThat(SignedNote.parse(note.format()).verify(List.of(SIGNER.verifierKey())))
        .isEqualTo(TEXT);
    assertThat(note.verifiedKeys(List.of(SIGNER.verifierKey(), OTHER.verifierKey())))
        .containsExactly(OTHER.verifierKey(), SIGNER.verifierKey());
  }

  @Test
  void verify_onlyUnknownKeys_throwsUnknownKey() throws Exception {
    SignedNote note = SignedNote.parse(OTHER.sign(TEXT));
    assertReason(
        () -> note.verify(List.of(SIGNER.verifierKey())), NoteException.Reason.UNKNOWN_KEY);
    assertReason(() -> note.verify(List.of()), NoteException.Reason.UNKNOWN_KEY);
  }

  @Test
  void verify_sameNameOtherKeyOrSameIdOtherName_ignoredAsUnknown() throws Exception {
    SignedNote note = SignedNote.parse(SIGNER.sign(TEXT));
    // A key of the same name but another key (so another ID): not the signer, ignored.
    NoteVerifierKey sameName = new NoteSigner(SIGNER.name(), C2spExamples.key(3)).verifierKey();
    assertReason(() -> note.verify(List.of(sameName)), NoteException.Reason.UNKNOWN_KEY);
    // A signature line claiming the trusted key's ID under another name: ignored.
    SignedNote renamed =
        new SignedNote(
            TEXT,
            List.of(
                new SignedNote.Signature(
                    "other.example",
                    SIGNER.verifierKey().keyId(),
                    note.signatures().get(0).signature())));
    assertReason(
        () -> renamed.verify(List.of(SIGNER.verifierKey())), NoteException.Reason.UNKNOWN_KEY);
  }

  @Test
  void verify_everySingleBitFlipOfSignature_throwsBadSignature() throws Exception {
    SignedNote note = SignedNote.parse(SIGNER.sign(TEXT));
    byte[] sig = note.signatures().get(0).signature();
    for (int bit = 0; bit < sig.length * 8; bit++) {
      byte[] bad = sig.clone();
      bad[bit / 8] ^= (byte) (1 << (bit % 8));
      SignedNote mutated =
          new SignedNote(
              TEXT,
              List.of(new SignedNote.Signature(SIGNER.name(), SIGNER.verifierKey().keyId(), bad)));
      assertReason(
          () -> SignedNote.parse(mutated.format()).verify(List.of(SIGNER.verifierKey())),
          NoteException.Reason.BAD_SIGNATURE);
    }
  }

  @Test
  void verify_modifiedText_throwsBadSignature() throws Exception {
    String note = SIGNER.sign(TEXT).replace("\n42\n", "\n43\n");
    assertReason(
        () -> SignedNote.parse(note).verify(List.of(SIGNER.verifierKey())),
        NoteException.Reason.BAD_SIGNATURE);
  }

  @Test
  void verify_badTrustedSignatureBesideGoodOne_throwsBadSignature() throws Exception {
    byte[] bad = new byte[64];
    SignedNote note =
        new SignedNote(
            TEXT,
            List.of(
                SIGNER.signature(TEXT),
                new SignedNote.Signature(OTHER.name(), OTHER.verifierKey().keyId(), bad)));
    assertReason(
        () -> note.verify(List.of(SIGNER.verifierKey(), OTHER.verifierKey())),
        NoteException.Reason.BAD_SIGNATURE);
  }

  @Test
  void parse_malformedNotes_throwMalformed() {
    String good = SIGNER.sign(TEXT);
    String sigLine = good.substring(TEXT.length() + 1);
    String sig = sigLine.substring(sigLine.lastIndexOf(' ') + 1, sigLine.length() - 1);
    List<String[]> cases =
        List.of(
            new String[] {"control-character-tab", good.replace("\n42\n", "\n4\t2\n")},
            new String[] {"control-character-nul", good.replace("\n42\n", "\n4\u00002\n")},
            new String[] {"crlf", good.replace("\n", "\r\n")},
            new String[] {"cr-before-signatures", TEXT + "\r\n" + sigLine},
            new String[] {"missing-blank-line", TEXT + sigLine},
            new String[] {"no-signatures", TEXT + "\n"},
            new String[] {"no-final-newline", good.substring(0, good.length() - 1)},
            new String[] {"hyphen-not-em-dash", good.replace("\u2014 ", "- ")},
            new String[] {"en-dash", good.replace("\u2014 ", "\u2013 ")},
            new String[] {"no-space-after-dash", good.replace("\u2014 ", "\u2014")},
            new String[] {"two-spaces", good.replace("/log ", "/log  ")},
            new String[] {
              "plus-in-name", good.replace("\u2014 warden.example.com/log", "\u2014 a+b")
            },
            new String[] {"missing-padding", good.replace(sig, sig.replace("=", ""))},
            new String[] {"trailing-space", good.replace(sig + "\n", sig + " \n")},
            new String[] {"short-signature", TEXT + "\n\u2014 a AAAAAA==\n"},
            new String[] {"empty-signature", TEXT + "\n\u2014 a \n"},
            new String[] {"duplicate-signature", good + sigLine},
            new String[] {"unpaired-surrogate", good.replace("\n42\n", "\n4\ud8002\n")},
            new String[] {"empty", ""},
            new String[] {"oversized", "a".repeat(SignedNote.MAX_NOTE_BYTES) + "\n\n" + sigLine});
    for (String[] c : cases) {
      assertThatThrownBy(() -> SignedNote.parse(c[1]))
          .as(c[0])
          .isInstanceOfSatisfying(
              NoteException.class,
              e -> assertThat(e.reason()).isEqualTo(NoteException.Reason.MALFORMED));
    }
  }

  /** The last blank line splits: a signature line before it is text, and the text changed. */
  @Test
  void verify_blankLineBetweenSignatureLines_throwsBadSignature() throws Exception {
    String good = SIGNER.sign(TEXT);
    String sigLine = good.substring(TEXT.length() + 1);
    SignedNote parsed = SignedNote.parse(good + "\n" + sigLine);
    assertThat(parsed.text()).isEqualTo(good);
    assertReason(
        () -> parsed.verify(List.of(SIGNER.verifierKey())), NoteException.Reason.BAD_SIGNATURE);
  }

  @Test
  void parse_tooManySignatures_throwsMalformed() {
    List<SignedNote.Signature> sigs = new ArrayList<>();
    for (int i = 0; i <= SignedNote.MAX_SIGNATURES; i++) {
      sigs.add(new SignedNote.Signature("w" + i, i, new byte[64]));
    }
    StringBuilder note = new StringBuilder(TEXT).append('\n');
    sigs.forEach(s -> note.append(s.line()).append('\n'));
    assertReason(() -> SignedNote.parse(note.toString()), NoteException.Reason.MALFORMED);
    // Sixteen, which the spec says verifiers must accept, parse.
    assertThat(new SignedNote(TEXT, sigs.subList(0, 16)).format())
        .satisfies(n -> assertThat(SignedNote.parse(n).signatures()).hasSize(16));
  }

  @Test
  void sign_invalidText_throwsIllegalArgument() {
    for (String text : List.of("", "no newline", "cr\r\n", "tab\t\n", "\ud800\n")) {
      assertThatThrownBy(() -> SIGNER.sign(text))
          .as(text)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  /**
   * Seeded mutations of a signed note: parsing and verifying throw nothing but NoteException, and
   * whatever verifies has exactly the signed text.
   */
  @Test
  void parseAndVerify_randomMutations_onlyNoteExceptionAndNeverAnotherText() {
    String good = SIGNER.sign(TEXT);
    String alphabet = "\n\u2014 +=/aA0\r\t\u0000\ud800é";
    for (int run = 0; run < 20_000; run++) {
      long seed = SEED + run;
      SplittableRandom random = new SplittableRandom(seed);
      StringBuilder s = new StringBuilder(good);
      int edits = 1 + random.nextInt(3);
      for (int e = 0; e < edits && s.length() > 0; e++) {
        int at = random.nextInt(s.length());
        switch (random.nextInt(3)) {
          case 0 -> s.deleteCharAt(at);
          case 1 -> s.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
          default -> s.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
        }
      }
      String mutated = s.toString();
      try {
        String text = SignedNote.parse(mutated).verify(List.of(SIGNER.verifierKey()));
        assertThat(text).as("seed %d: %s", seed, mutated).isEqualTo(TEXT);
      } catch (NoteException expected) {
        // refused: fine
      } catch (RuntimeException e) {
        throw new AssertionError("seed " + seed + ": " + e, e);
      }
    }
  }

  interface Check {
    void run() throws Exception;
  }

  static void assertReason(Check c, NoteException.Reason reason) {
    assertThatThrownBy(c::run)
        .isInstanceOfSatisfying(NoteException.class, e -> assertThat(e.reason()).isEqualTo(reason));
  }

  private static String b64Sig(String note) {
    String line = note.substring(note.lastIndexOf('\u2014'));
    String b64 = line.substring(line.lastIndexOf(' ') + 1, line.length() - 1);
    assertThat(Base64.getDecoder().decode(b64)).hasSize(68);
    return b64;
  }
}
