package dev.warden.json;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Seeded random documents and byte mutations of them. Reproduce a failure with {@code
 * -Dwarden.seed=<the seed in its message>}.
 */
class StrictJsonFuzzTest {

  private static final long SEED = Long.getLong("warden.seed", 0x5eed_cafeL);
  // About a second each on a laptop; raise locally with a new seed to search longer.
  private static final int DOCUMENTS = 1000;
  private static final int MUTATED_DOCUMENTS = 600;
  private static final int MUTATIONS_PER_DOCUMENT = 10;
  private static final JsonLimits LIMITS = new JsonLimits(1 << 20, 8, 1000, 400, 100);

  @Test
  void parse_randomDocument_matchesModelAndCanonicalFormIsFixpoint() throws JsonRejected {
    for (int i = 0; i < DOCUMENTS; i++) {
      long seed = SEED + i;
      RandomJson.Document doc = new RandomJson(new SplittableRandom(seed), 6, 60).next();

      JsonNode parsed = parse(doc.text(), seed);
      byte[] canonical = Canonical.bytes(parsed);
      byte[] again = Canonical.bytes(StrictJson.parse(canonical, LIMITS));

      assertThat(Canonical.text(parsed))
          .as("seed %d: parsed tree equals the model; text %s", seed, doc.text())
          .isEqualTo(Canonical.text(doc.model()));
      assertThat(again).as("seed %d: canonical form is a fixpoint", seed).isEqualTo(canonical);
    }
  }

  @Test
  void parse_mutatedBytes_onlyEverThrowsJsonRejected() {
    int rejected = 0;
    int accepted = 0;
    for (int i = 0; i < MUTATED_DOCUMENTS; i++) {
      long seed = SEED + 1_000_000 + i;
      SplittableRandom random = new SplittableRandom(seed);
      byte[] original = new RandomJson(random, 6, 40).next().text().getBytes(UTF_8);
      for (int m = 0; m < MUTATIONS_PER_DOCUMENT; m++) {
        byte[] mutated = mutate(original, random);
        try {
          JsonNode node = StrictJson.parse(mutated, LIMITS);
          byte[] canonical = Canonical.bytes(node);
          assertThat(Canonical.bytes(StrictJson.parse(canonical, LIMITS)))
              .as("seed %d mutation %d: accepted input canonicalizes to a fixpoint", seed, m)
              .isEqualTo(canonical);
          accepted++;
        } catch (JsonRejected e) {
          assertThat(e.getMessage()).as("seed %d mutation %d", seed, m).isNotBlank();
          rejected++;
        } catch (RuntimeException | AssertionError e) {
          fail("seed %d mutation %d: %s on input %s", seed, m, e, Arrays.toString(mutated), e);
        }
      }
    }
    // Both outcomes occur, so the mutations neither always break nor never break the input.
    assertThat(rejected).as("rejected").isGreaterThan(MUTATED_DOCUMENTS);
    assertThat(accepted).as("accepted").isGreaterThan(MUTATED_DOCUMENTS / 10);
  }

  private static JsonNode parse(String text, long seed) {
    try {
      return StrictJson.parse(text.getBytes(UTF_8), LIMITS);
    } catch (JsonRejected e) {
      throw new AssertionError(
          "seed "
              + seed
              + ": valid document rejected: "
              + e.getMessage()
              + " at "
              + e.pointer()
              + "\n"
              + text,
          e);
    }
  }

  /** One to three of: flip a bit, set a byte, insert a byte or JSON token, delete, truncate. */
  static byte[] mutate(byte[] input, SplittableRandom random) {
    byte[] out = input.clone();
    int count = 1 + random.nextInt(3);
    for (int k = 0; k < count; k++) {
      int at = out.length == 0 ? 0 : random.nextInt(out.length);
      switch (random.nextInt(6)) {
        case 0 -> {
          if (out.length > 0) {
            out[at] ^= (byte) (1 << random.nextInt(8));
          }
        }
        case 1 -> {
          if (out.length > 0) {
            out[at] = (byte) random.nextInt(256);
          }
        }
        case 2 -> out = insert(out, at, new byte[] {(byte) random.nextInt(256)});
        case 3 -> {
          String[] tokens = {
            "{",
            "}",
            "[",
            "]",
            ",",
            ":",
            "\"",
            "\\",
            "-",
            "+",
            "0",
            "1e",
            ".",
            "NaN",
            "\"a\":1,",
            "\\ud800",
            "\u00e9",
            " "
          };
          out = insert(out, at, tokens[random.nextInt(tokens.length)].getBytes(UTF_8));
        }
        case 4 -> {
          if (out.length > 0) {
            int len = 1 + random.nextInt(Math.min(4, out.length - at));
            byte[] shorter = new byte[out.length - len];
            System.arraycopy(out, 0, shorter, 0, at);
            System.arraycopy(out, at + len, shorter, at, out.length - at - len);
            out = shorter;
          }
        }
        default -> out = Arrays.copyOf(out, at);
      }
    }
    return out;
  }

  private static byte[] insert(byte[] input, int at, byte[] piece) {
    byte[] out = new byte[input.length + piece.length];
    System.arraycopy(input, 0, out, 0, at);
    System.arraycopy(piece, 0, out, at, piece.length);
    System.arraycopy(input, at, out, at + piece.length, input.length - at);
    return out;
  }
}
