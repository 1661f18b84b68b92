package dev.warden.receipt;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.warden.json.Canonical;
import dev.warden.log.MerkleHasher;
import dev.warden.log.ProofException;
import dev.warden.note.Checkpoint;
import dev.warden.note.NoteException;
import dev.warden.note.NoteVerifierKey;
import dev.warden.note.SignedNote;
import dev.warden.note.TlogProof;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Seeded byte-level fuzzing of the parsers a verifier feeds with untrusted input (issue 9): signed
 * checkpoints, signed notes, C2SP tlog proofs and receipts. Each mutated input may only be refused
 * with the parser's declared exception ({@link NoteException}, {@link ProofException}, {@link
 * ReceiptException}), and an input that is accepted must say exactly what the original said.
 *
 * <p>Bounded: {@code -Dwarden.fuzz.iterations} (default 4,000) per parser, and at most {@code
 * -Dwarden.fuzz.seconds} (default 5) each; {@code -Dwarden.seed} changes the seed (printed in every
 * failure). An input that breaks a parser is written to {@code target/fuzz-crashes/<parser>/}; copy
 * it to {@code src/test/resources/fuzz-regressions/<parser>/} with the fix, and every later run
 * replays it ({@link #regression_replayed_onlyDeclaredExceptions}).
 */
class ParserFuzzTest {
  private static final long SEED = Long.getLong("warden.seed", 0xF022_2026L);
  private static final int ITERATIONS = Integer.getInteger("warden.fuzz.iterations", 4_000);
  private static final long SECONDS = Long.getLong("warden.fuzz.seconds", 5);
  private static final ReceiptFixture F = new ReceiptFixture(SEED, 23);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final byte[][] TOKENS = {
    "\n".getBytes(StandardCharsets.UTF_8),
    "\n\n".getBytes(StandardCharsets.UTF_8),
    "\r\n".getBytes(StandardCharsets.UTF_8),
    "\u2014 ".getBytes(StandardCharsets.UTF_8),
    " ".getBytes(StandardCharsets.UTF_8),
    "=".getBytes(StandardCharsets.UTF_8),
    "+/".getBytes(StandardCharsets.UTF_8),
    "-1".getBytes(StandardCharsets.UTF_8),
    "0".getBytes(StandardCharsets.UTF_8),
    "18446744073709551616".getBytes(StandardCharsets.UTF_8),
    "9223372036854775807".getBytes(StandardCharsets.UTF_8),
    "index ".getBytes(StandardCharsets.UTF_8),
    "extra ".getBytes(StandardCharsets.UTF_8),
    "{".getBytes(StandardCharsets.UTF_8),
    "}".getBytes(StandardCharsets.UTF_8),
    "[".getBytes(StandardCharsets.UTF_8),
    "\"".getBytes(StandardCharsets.UTF_8),
    ":".getBytes(StandardCharsets.UTF_8),
    ",".getBytes(StandardCharsets.UTF_8),
    ".".getBytes(StandardCharsets.UTF_8),
    "\\u0000".getBytes(StandardCharsets.UTF_8),
    new byte[] {(byte) 0xC0, (byte) 0xAF},
    new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
    new byte[] {0},
  };

  /** A parser, a valid input for it, and what accepting an input must mean. */
  enum Target {
    CHECKPOINT {
      @Override
      byte[] seed() {
        return F.checkpoint.getBytes(StandardCharsets.UTF_8);
      }

      @Override
      void run(byte[] input) throws Exception {
        Checkpoint c = Checkpoint.open(utf8(input), logKeys());
        assertThat(c).isEqualTo(Checkpoint.open(F.checkpoint, logKeys()));
      }
    },
    NOTE {
      @Override
      byte[] seed() {
        return F.checkpoint.getBytes(StandardCharsets.UTF_8);
      }

      @Override
      void run(byte[] input) throws Exception {
        String text = SignedNote.parse(utf8(input)).verify(logKeys());
        assertThat(text).isEqualTo(SignedNote.parse(F.checkpoint).verify(logKeys()));
      }
    },
    TLOG_PROOF {
      @Override
      byte[] seed() {
        return new TlogProof(null, 9, F.proof(9), F.checkpoint)
            .format()
            .getBytes(StandardCharsets.UTF_8);
      }

      @Override
      void run(byte[] input) throws Exception {
        TlogProof p = TlogProof.parse(utf8(input));
        p.verify(MerkleHasher.leafHash(F.entries.get(9)), logKeys());
        assertThat(p.index()).isEqualTo(9);
      }
    },
    RECEIPT {
      @Override
      byte[] seed() throws IOException {
        return JSON.writeValueAsBytes(F.receipt(17).toJson());
      }

      @Override
      void run(byte[] input) throws Exception {
        VerifiedReceipt v = ReceiptVerifier.verify(input, logKeys(), F.jwks);
        assertThat(Canonical.bytes(v.entry())).isEqualTo(F.entries.get(17));
        assertThat(v.leafIndex()).isEqualTo(17);
      }
    };

    abstract byte[] seed() throws IOException;

    /**
     * Parses and verifies {@code input}.
     *
     * @throws NoteException or another declared exception: refused, which is fine
     * @throws AssertionError if it was accepted but says something else than the seed
     */
    abstract void run(byte[] input) throws Exception;

    String dir() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  @ParameterizedTest
  @EnumSource(Target.class)
  void mutations_onlyDeclaredExceptionsAndNeverAnotherValue(Target target) throws Exception {
    byte[] seedInput = target.seed();
    target.run(seedInput); // the unmutated input is accepted
    long deadline = System.nanoTime() + SECONDS * 1_000_000_000L;
    int refused = 0;
    int i = 0;
    for (; i < ITERATIONS && System.nanoTime() < deadline; i++) {
      long seed = SEED + i;
      byte[] input = mutate(seedInput, new SplittableRandom(seed));
      if (check(target, input, "seed " + seed)) {
        refused++;
      }
    }
    // Most mutations break a signed or hashed input; some (e.g. of JSON whitespace) do not.
    assertThat(refused).as("%s: refused of %d", target, i).isGreaterThan(i / 2);
  }

  static Stream<Object[]> regressions() throws IOException, URISyntaxException {
    List<Object[]> cases = new ArrayList<>();
    for (Target t : Target.values()) {
      URL dir = ParserFuzzTest.class.getResource("/fuzz-regressions/" + t.dir());
      if (dir == null) {
        continue;
      }
      try (Stream<Path> files = Files.list(Path.of(dir.toURI()))) {
        files.sorted().forEach(f -> cases.add(new Object[] {t, f.getFileName().toString()}));
      }
    }
    assertThat(cases).as("saved regression inputs").isNotEmpty();
    return cases.stream();
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("regressions")
  void regression_replayed_onlyDeclaredExceptions(Target target, String file) throws Exception {
    byte[] input;
    try (InputStream in =
        ParserFuzzTest.class.getResourceAsStream(
            "/fuzz-regressions/" + target.dir() + "/" + file)) {
      input = in.readAllBytes();
    }
    check(target, input, "regression " + file);
  }

  /**
   * Runs the target; true if it refused the input with a declared exception. Anything else is saved
   * under {@code target/fuzz-crashes} and fails the test.
   */
  private static boolean check(Target target, byte[] input, String what) throws IOException {
    try {
      target.run(input);
      return false;
    } catch (NoteException | ProofException | ReceiptException expected) {
      assertThat(expected.getMessage()).as("%s %s: a refusal says why", target, what).isNotBlank();
      return true;
    } catch (Exception | AssertionError | StackOverflowError e) {
      Path saved = Path.of("target", "fuzz-crashes", target.dir(), what.replace(' ', '-') + ".bin");
      Files.createDirectories(saved.getParent());
      Files.write(saved, input);
      throw new AssertionError(
          target
              + " "
              + what
              + ": "
              + e
              + "; the input is saved in "
              + saved.toAbsolutePath()
              + " (copy it to src/test/resources/fuzz-regressions/"
              + target.dir()
              + "/ with the fix)",
          e);
    }
  }

  /**
   * One to four of: flip a bit, set a byte, insert a byte or a token, delete a run, duplicate a
   * run, truncate.
   */
  static byte[] mutate(byte[] input, SplittableRandom random) {
    byte[] out = input.clone();
    int count = 1 + random.nextInt(4);
    for (int k = 0; k < count; k++) {
      int at = out.length == 0 ? 0 : random.nextInt(out.length);
      int run = 1 + random.nextInt(Math.max(1, Math.min(16, out.length - at)));
      out =
          switch (random.nextInt(6)) {
            case 0 -> {
              if (out.length > 0) {
                out[at] ^= (byte) (1 << random.nextInt(8));
              }
              yield out;
            }
            case 1 -> {
              if (out.length > 0) {
                out[at] = (byte) random.nextInt(256);
              }
              yield out;
            }
            case 2 ->
                splice(
                    out,
                    at,
                    0,
                    random.nextBoolean()
                        ? TOKENS[random.nextInt(TOKENS.length)]
                        : new byte[] {(byte) random.nextInt(256)});
            case 3 -> out.length == 0 ? out : splice(out, at, run, new byte[0]);
            case 4 ->
                out.length == 0
                    ? out
                    : splice(out, at, 0, java.util.Arrays.copyOfRange(out, at, at + run));
            default -> java.util.Arrays.copyOf(out, at);
          };
    }
    return out;
  }

  private static byte[] splice(byte[] in, int at, int remove, byte[] insert) {
    byte[] out = new byte[in.length - remove + insert.length];
    System.arraycopy(in, 0, out, 0, at);
    System.arraycopy(insert, 0, out, at, insert.length);
    System.arraycopy(in, at + remove, out, at + insert.length, in.length - at - remove);
    return out;
  }

  private static String utf8(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  static List<NoteVerifierKey> logKeys() {
    return List.of(F.logSigner.verifierKey());
  }
}
