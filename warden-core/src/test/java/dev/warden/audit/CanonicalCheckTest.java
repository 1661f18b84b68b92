package dev.warden.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warden.json.Canonical;
import dev.warden.json.JsonLimits;
import dev.warden.json.JsonRejected;
import dev.warden.json.StrictJson;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link CanonicalCheck} against the slow reference: parse strictly, canonicalize, compare bytes.
 */
class CanonicalCheckTest {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private static final JsonLimits LIMITS =
      new JsonLimits(1 << 24, CanonicalCheck.MAX_DEPTH, 1 << 24, 10_000, 1_000_000);
  private static final String[] CHARS = {
    "a",
    "Z",
    "0",
    " ",
    "\"",
    "\\",
    "/",
    "\b",
    "\f",
    "\n",
    "\r",
    "\t",
    "\u0000",
    "\u001f",
    "\u007f",
    "é",
    "€",
    "\u2028",
    "\uffff",
    "\uE000",
    "😀",
    "\uD834\uDD1E"
  };
  private static final String[] SPLICES = {
    " ", "\"", "\\", "\\u0041", "\\u001F", "\\u000a", "\\/", "0", "-", "+", ".", "e", "E", "1e",
    "{", "}", "[", "]", ",", ":", "\u00e9", "\\ud800", "null", "tru", "\u0001"
  };

  private static boolean reference(byte[] b) {
    try {
      JsonNode n = StrictJson.parse(b, LIMITS);
      return Arrays.equals(Canonical.bytes(n), b);
    } catch (JsonRejected | IllegalArgumentException e) {
      return false;
    }
  }

  private static JsonNode value(SplittableRandom r, int depth) {
    int kind = r.nextInt(depth >= 4 ? 5 : 7);
    return switch (kind) {
      case 0 -> F.nullNode();
      case 1 -> F.booleanNode(r.nextBoolean());
      case 2 -> F.textNode(string(r));
      case 3 -> F.numberNode(r.nextInt(5) == 0 ? r.nextLong() : r.nextInt(2001) - 1000);
      case 4 ->
          F.numberNode(
              switch (r.nextInt(4)) {
                case 0 -> Double.longBitsToDouble(r.nextLong());
                case 1 -> r.nextDouble() * Math.pow(10, r.nextInt(60) - 30);
                case 2 ->
                    new double[] {1e21, 1e-7, 5e-324, -0.0, 0.1, 1.7976931348623157e308}
                        [r.nextInt(6)];
                default -> r.nextInt(100) / 8.0;
              });
      case 5 -> {
        ArrayNode a = F.arrayNode();
        for (int i = r.nextInt(4); i > 0; i--) {
          a.add(value(r, depth + 1));
        }
        yield a;
      }
      default -> {
        ObjectNode o = F.objectNode();
        for (int i = r.nextInt(5); i > 0; i--) {
          o.set(string(r), value(r, depth + 1));
        }
        yield o;
      }
    };
  }

  private static String string(SplittableRandom r) {
    StringBuilder s = new StringBuilder();
    for (int i = r.nextInt(6); i > 0; i--) {
      s.append(CHARS[r.nextInt(CHARS.length)]);
    }
    return s.toString();
  }

  private static JsonNode finite(SplittableRandom r) {
    while (true) {
      JsonNode v = value(r, 0);
      try {
        Canonical.bytes(v);
        return v;
      } catch (IllegalArgumentException nanOrInfinity) {
        // draw again
      }
    }
  }

  @Test
  void problem_canonicalBytesOfRandomTrees_isNull() {
    for (long seed = 0; seed < 3_000; seed++) {
      byte[] b = Canonical.bytes(finite(new SplittableRandom(seed)));
      assertThat(CanonicalCheck.problem(b))
          .as("seed %d: %s", seed, new String(b, StandardCharsets.UTF_8))
          .isNull();
    }
  }

  @Test
  void problem_mutatedCanonicalBytes_agreesWithParseAndCanonicalize() {
    for (long seed = 0; seed < 20_000; seed++) {
      SplittableRandom r = new SplittableRandom(seed);
      byte[] b = mutate(r, Canonical.bytes(finite(r)));
      assertThat(CanonicalCheck.problem(b) == null)
          .as("seed %d: %s", seed, new String(b, StandardCharsets.UTF_8))
          .isEqualTo(reference(b));
    }
  }

  private static byte[] mutate(SplittableRandom r, byte[] b) {
    int at = b.length == 0 ? 0 : r.nextInt(b.length + 1);
    byte[] splice = SPLICES[r.nextInt(SPLICES.length)].getBytes(StandardCharsets.UTF_8);
    return switch (r.nextInt(4)) {
      case 0 -> concat(Arrays.copyOf(b, at), splice, Arrays.copyOfRange(b, at, b.length));
      case 1 ->
          at < b.length ? concat(Arrays.copyOf(b, at), Arrays.copyOfRange(b, at + 1, b.length)) : b;
      case 2 -> {
        byte[] c = b.clone();
        if (at < c.length) {
          c[at] = (byte) r.nextInt(256);
        }
        yield c;
      }
      default -> {
        byte[] c = b.clone();
        if (c.length > 1) {
          int j = r.nextInt(c.length);
          int k = r.nextInt(c.length);
          byte t = c[j];
          c[j] = c[k];
          c[k] = t;
        }
        yield c;
      }
    };
  }

  private static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] out = new byte[n];
    int at = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"a\":1,\"a\":2}",
        "{\"b\":1,\"a\":2}",
        "{\"a\":1.0}",
        "{\"a\":1E3}",
        "{\"a\":-0}",
        "{\"a\":\"\\u0041\"}",
        "{\"a\":\"\\u000A\"}",
        "{\"a\":\"\\/\"}",
        "{\"a\": 1}",
        "{\"\uE000\":1,\"😀\":2}",
        "{\"a\":1e400}",
        "[1,]",
        ""
      })
  void problem_notCanonical_saysWhat(String text) {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    assertThat(reference(b)).isFalse();
    assertThat(CanonicalCheck.problem(b)).isNotNull().contains("offset");
  }

  @Test
  void problem_supplementaryNameBeforePrivateUse_isCanonicalInUtf16Order() {
    byte[] b = "{\"😀\":2,\"\uE000\":1}".getBytes(StandardCharsets.UTF_8);
    assertThat(reference(b)).isTrue();
    assertThat(CanonicalCheck.problem(b)).isNull();
  }

  @Test
  void problem_invalidUtf8_isNotCanonical() {
    for (byte[] b :
        new byte[][] {
          {'"', (byte) 0xc0, (byte) 0x80, '"'},
          {'"', (byte) 0xed, (byte) 0xa0, (byte) 0x80, '"'},
          {'"', (byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80, '"'},
          {'"', (byte) 0xe2, (byte) 0x82, '"'}
        }) {
      assertThat(reference(b)).isFalse();
      assertThat(CanonicalCheck.problem(b)).contains("UTF-8");
    }
  }
}
