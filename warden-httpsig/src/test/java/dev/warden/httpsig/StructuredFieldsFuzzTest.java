package dev.warden.httpsig;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Seeded random mutations of signature headers and structured fields. The parsers may only throw
 * {@link SignatureException}; whatever they accept must serialize to a fixed point.
 */
class StructuredFieldsFuzzTest {

  private static final List<String> CORPUS =
      List.of(
          "sig1=(\"@method\" \"@target-uri\" \"content-digest\";sf \"x\";key=\"a\" \"@query-param\";name=\"q\");created=1700000000;expires=1700000300;nonce=\"bm9uY2U\";keyid=\"agent-1/k1\";alg=\"ed25519\"",
          "sig1=:wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w6vuQv5lIp5WPpBKRCw==:, sig2=:AQID:",
          "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:, sha-512=:YQ==:;x=1",
          "a=(1 2), b=3, c=4;aa=bb, d=(5 6);valid, e=?0, f=-1.25, g=*tok/en:x",
          "abc;a=1;b=2; cde_456, (ghi;jk=4 l);q=\"9\";r=w, \"es\\\\c\\\"ape\"");

  /** Characters that matter to the grammar, plus a few that must always be refused. */
  private static final String ALPHABET = "\"\\()=;,:?*-._/ \t01aZ+=#\u0000\r\n\u007f\u00e9\u20ac";

  private static final int SEEDS = 8;
  private static final int CASES_PER_SEED = 8_000;

  /**
   * Each test stops early past this budget, so a loaded machine does not stretch the build; the
   * cases run are still the seeded ones, in order, and a failure names its seed and case.
   */
  private static final long BUDGET_NANOS = 1_000_000_000L;

  @Test
  void parse_mutatedHeaders_throwOnlySignatureExceptionAndReachFixedPoint() {
    long accepted = 0;
    long cases = 0;
    long deadline = System.nanoTime() + BUDGET_NANOS;
    for (long seed = 1; seed <= SEEDS && System.nanoTime() < deadline; seed++) {
      SplittableRandom random = new SplittableRandom(seed);
      for (int i = 0; i < CASES_PER_SEED; i++) {
        cases++;
        String input = mutate(CORPUS.get(random.nextInt(CORPUS.size())), random);
        for (String type : List.of("dictionary", "list", "item")) {
          try {
            String once = StructuredFieldsTest.roundTrip(type, input);
            String twice = StructuredFieldsTest.roundTrip(type, once);
            assertThat(twice)
                .as("seed %d case %d type %s input %s", seed, i, type, input)
                .isEqualTo(once);
            accepted++;
          } catch (SignatureException expected) {
            assertThat(expected.getMessage()).isNotBlank();
          } catch (RuntimeException | Error e) {
            fail("seed " + seed + " case " + i + " type " + type + " input " + input, e);
          }
        }
      }
    }
    // The mutations must leave some inputs valid, or the fixed-point check tests nothing.
    assertThat(cases).isGreaterThanOrEqualTo(CASES_PER_SEED);
    assertThat(accepted).isGreaterThan(cases / 10);
  }

  @Test
  void parseHeaders_mutatedSignatureInput_throwOnlySignatureException() {
    long cases = 0;
    long deadline = System.nanoTime() + BUDGET_NANOS;
    for (long seed = 100; seed < 100 + SEEDS && System.nanoTime() < deadline; seed++) {
      SplittableRandom random = new SplittableRandom(seed);
      for (int i = 0; i < CASES_PER_SEED / 4; i++) {
        cases++;
        String input = mutate(CORPUS.getFirst(), random);
        HttpRequestView view =
            HttpRequestView.of(
                "POST",
                java.net.URI.create("https://example.com/a?q=1"),
                java.util.Map.of(
                    "signature-input", List.of(input),
                    "signature", List.of("sig1=:AQID:"),
                    "x", List.of("a=1"),
                    "content-digest", List.of("sha-256=:AQID:")));
        try {
          for (LabeledSignature s : SignatureHeaders.parse(view)) {
            assertThat(SignatureBase.build(view, s.params())).isNotEmpty();
          }
        } catch (SignatureException expected) {
          assertThat(expected.getMessage()).isNotBlank();
        } catch (RuntimeException | Error e) {
          fail("seed " + seed + " case " + i + " input " + input, e);
        }
      }
    }
    assertThat(cases).isGreaterThanOrEqualTo(CASES_PER_SEED / 4);
  }

  private static String mutate(String input, SplittableRandom random) {
    StringBuilder s = new StringBuilder(input);
    int edits = 1 + random.nextInt(3);
    for (int e = 0; e < edits; e++) {
      int at = s.isEmpty() ? 0 : random.nextInt(s.length());
      switch (random.nextInt(6)) {
        case 0 -> s.insert(at, ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        case 1 -> {
          if (!s.isEmpty()) {
            s.deleteCharAt(at);
          }
        }
        case 2 -> {
          if (!s.isEmpty()) {
            s.setCharAt(at, ALPHABET.charAt(random.nextInt(ALPHABET.length())));
          }
        }
        case 3 -> s.setLength(at); // truncate
        case 4 -> {
          int end = Math.min(s.length(), at + random.nextInt(12));
          s.insert(at, s.substring(at, end)); // duplicate a run
        }
        default -> {
          if (!s.isEmpty()) {
            s.setCharAt(at, (char) (s.charAt(at) ^ (1 << random.nextInt(7))));
          }
        }
      }
    }
    return s.toString();
  }
}
