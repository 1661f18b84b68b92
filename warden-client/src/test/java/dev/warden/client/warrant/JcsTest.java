package dev.warden.client.warrant;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warden.client.warrant.WarrantException.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import org.erdtman.jcs.JsonCanonicalizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class JcsTest {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  @ParameterizedTest
  @ValueSource(
      strings = {
        "arrays.json",
        "french.json",
        "structures.json",
        "unicode.json",
        "values.json",
        "weird.json"
      })
  void bytes_rfc8785Vector_matchesExpectedBytes(String name) throws Exception {
    byte[] expected = resource("output/" + name);

    assertThat(canonical(resource("input/" + name))).isEqualTo(expected);
    assertThat(canonical(expected)).as("canonical output is a fixpoint").isEqualTo(expected);
  }

  @Test
  void bytes_ecmascriptNumberVectors_matchNodeJs() throws Exception {
    // Each line: IEEE 754 bits in hex, then what Node.js writes for that double.
    String[] lines = new String(resource("es-numbers.txt"), UTF_8).split("\n");
    List<String> failures = new ArrayList<>();
    for (String line : lines) {
      String[] parts = line.split(" ");
      double value = Double.longBitsToDouble(Long.parseUnsignedLong(parts[0], 16));
      // As JSON text in Java's own spelling ("1.0E21"), the way a body would bring it.
      String got = new String(canonical(("[" + value + "]").getBytes(UTF_8)), UTF_8);
      if (!got.equals("[" + parts[1] + "]")) {
        failures.add(line + " got " + got);
      }
    }
    assertThat(lines).hasSizeGreaterThan(3000);
    assertThat(failures).isEmpty();
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "[9007199254740993]          | [9007199254740992]",
        "[123456789012345678901234]  | [1.2345678901234569e+23]",
        "[0.10000000000000000001]    | [0.1]",
        "[12.50]                     | [12.5]",
        "[-0]                        | [0]",
        "[-0.0]                      | [0]",
        "[1E+2]                      | [100]",
        "[1e21]                      | [1e+21]",
        "[1e20]                      | [100000000000000000000]",
        "[1e-7]                      | [1e-7]",
        "[1e-400]                    | [0]",
        "[-1e-400]                   | [0]",
        "[4.9e-324]                  | [5e-324]",
        "[1.7976931348623157e308]    | [1.7976931348623157e+308]",
      })
  void bytes_number_isTheNearestDoubleInEcmascriptForm(String in, String out) throws Exception {
    assertThat(new String(canonical(in.getBytes(UTF_8)), UTF_8)).isEqualTo(out);
  }

  @Test
  void bytes_stringEscapesAndMemberOrder_followRfc8785() throws Exception {
    // Short escapes for \b \t \n \f \r, lower-case hex for other controls; members in UTF-16
    // code unit order (U+E000 after U+1F600 by code point, before it by code unit).
    String in = "{\"\\ue000\":\"\\u0000\\u0008\\u000a\\u001f\\u007f\\\"/é\",\"😀\":2,\"\":3}";

    assertThat(new String(canonical(in.getBytes(UTF_8)), UTF_8))
        .isEqualTo("{\"\":3,\"😀\":2,\"\ue000\":\"\\u0000\\b\\n\\u001f\u007f\\\"/é\"}");
  }

  @Test
  void bytes_randomDocuments_matchTheErdtmanCanonicalizer() throws Exception {
    long seed = 20261121L;
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < 500; i++) {
      // The erdtman canonicalizer reads only an object or array at the top.
      String json =
          WarrantFixture.JSON.writeValueAsString(NODES.arrayNode().add(randomValue(random, 0)));
      byte[] expected = new JsonCanonicalizer(json).getEncodedUTF8();

      assertThat(canonical(json.getBytes(UTF_8)))
          .as("seed %d, document %d: %s", seed, i, json)
          .isEqualTo(expected);
    }
  }

  private static JsonNode randomValue(SplittableRandom random, int depth) {
    int kind = random.nextInt(depth >= 4 ? 5 : 7);
    return switch (kind) {
      case 0 -> NODES.textNode(randomString(random));
      case 1 -> NODES.numberNode(random.nextLong(-(1L << 53), 1L << 53));
      case 2 -> {
        double d = Double.longBitsToDouble(random.nextLong());
        yield NODES.numberNode(Double.isFinite(d) ? d : 0.5);
      }
      case 3 -> NODES.booleanNode(random.nextBoolean());
      case 4 -> NODES.nullNode();
      case 5 -> {
        ArrayNode a = NODES.arrayNode();
        for (int n = random.nextInt(5); n > 0; n--) {
          a.add(randomValue(random, depth + 1));
        }
        yield a;
      }
      default -> {
        ObjectNode o = NODES.objectNode();
        for (int n = random.nextInt(5); n > 0; n--) {
          o.set(randomString(random), randomValue(random, depth + 1));
        }
        yield o;
      }
    };
  }

  private static String randomString(SplittableRandom random) {
    String alphabet = "ab\"\\/\n\t\u0001\u007fé€😀\u2028\ue000";
    StringBuilder s = new StringBuilder();
    for (int n = random.nextInt(6); n > 0; n--) {
      int start = random.nextInt(alphabet.length());
      if (Character.isLowSurrogate(alphabet.charAt(start))) {
        start--;
      }
      s.appendCodePoint(alphabet.codePointAt(start));
    }
    return s.toString();
  }

  private static byte[] canonical(byte[] json) throws WarrantException {
    return Jcs.bytes(StrictJson.parse(json, 1 << 20, "test input", Reason.MALFORMED));
  }

  private static byte[] resource(String path) throws IOException {
    try (InputStream in = JcsTest.class.getResourceAsStream("/jcs/" + path)) {
      return Objects.requireNonNull(in, path).readAllBytes();
    }
  }
}
