package dev.warden.json;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CanonicalTest {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private static byte[] resource(String path) throws IOException {
    try (InputStream in = CanonicalTest.class.getResourceAsStream("/jcs/" + path)) {
      return Objects.requireNonNull(in, path).readAllBytes();
    }
  }

  private static String canonical(String json) throws JsonRejected {
    return new String(Canonical.canonicalize(json.getBytes(UTF_8), JsonLimits.defaults()), UTF_8);
  }

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
  void canonicalize_rfc8785Vector_matchesExpectedBytes(String name)
      throws IOException, JsonRejected {
    byte[] input = resource("input/" + name);
    byte[] expected = resource("output/" + name);

    assertThat(Canonical.canonicalize(input, JsonLimits.defaults())).isEqualTo(expected);
    assertThat(Canonical.bytes(StrictJson.parse(expected, JsonLimits.defaults())))
        .as("canonical output is a fixpoint")
        .isEqualTo(expected);
  }

  @Test
  void bytes_ecmascriptNumberVectors_matchNodeJs() throws IOException {
    // Each line: IEEE 754 bits in hex, then what Node.js writes for that double.
    String[] lines = new String(resource("es-numbers.txt"), UTF_8).split("\n");
    List<String> failures = new ArrayList<>();
    for (String line : lines) {
      String[] parts = line.split(" ");
      double value = Double.longBitsToDouble(Long.parseUnsignedLong(parts[0], 16));
      String viaDouble = Canonical.text(NODES.numberNode(value));
      // The same number arriving as exact JSON text must come out the same.
      String viaDecimal = Canonical.text(NODES.numberNode(new BigDecimal(Double.toString(value))));
      if (!viaDouble.equals(parts[1]) || !viaDecimal.equals(parts[1])) {
        failures.add(line + " got " + viaDouble + " / " + viaDecimal);
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
        "[0.000001]                  | [0.000001]",
        "[1e-7]                      | [1e-7]",
        "[1e-400]                    | [0]",
        "[-1e-400]                   | [0]",
        "[4.9e-324]                  | [5e-324]",
        "[1.7976931348623157e308]    | [1.7976931348623157e+308]",
      })
  void canonicalize_number_isTheNearestDoubleInEcmascriptForm(String in, String out)
      throws JsonRejected {
    assertThat(canonical(in)).isEqualTo(out);
  }

  @Test
  void canonicalize_numberBeyondDoubleRange_rejectsAsLimit() {
    JsonRejected e =
        catchThrowableOfType(
            JsonRejected.class,
            () -> Canonical.canonicalize("{\"a\":1.8e308}".getBytes(UTF_8), JsonLimits.defaults()));

    assertThat(e.reason()).isEqualTo(JsonRejected.Reason.LIMIT);
    assertThat(e.pointer()).isEqualTo("/a");
  }

  @Test
  void text_stringEscapes_followJsonStringify() throws JsonRejected {
    // Short escapes for \b \t \n \f \r, lower-case hex escapes for other controls, nothing else.
    String in = "[\"\\u0000\\u0008\\u0009\\u000a\\u000c\\u000d\\u001f\\u007f\\u2028\\\"\\\\/é\"]";

    assertThat(canonical(in))
        .isEqualTo("[\"\\u0000\\b\\t\\n\\f\\r\\u001f\u007f\u2028\\\"\\\\/é\"]");
  }

  @Test
  void text_memberOrder_isUtf16CodeUnitOrder() throws JsonRejected {
    // U+E000 sorts after U+1F600 by code point, but before it by UTF-16 code unit (0xD83D).
    assertThat(canonical("{\"\\ue000\":1,\"😀\":2,\"b\":3,\"a\":4,\"\":5,\"aa\":6}"))
        .isEqualTo("{\"\":5,\"a\":4,\"aa\":6,\"b\":3,\"😀\":2,\"\ue000\":1}");
  }

  @Test
  void text_nestedWhitespace_isRemoved() throws JsonRejected {
    assertThat(canonical(" { \"b\" : [ 1 , { \"d\" : null , \"c\" : true } ] , \"a\" : \"x\" } "))
        .isEqualTo("{\"a\":\"x\",\"b\":[1,{\"c\":true,\"d\":null}]}");
  }

  @Test
  void bytes_treeNotFromStrictJson_throwsForValuesWithoutCanonicalForm() {
    ObjectNode lone = NODES.objectNode().put("s", "a\ud800b");

    assertThatThrownBy(() -> Canonical.bytes(lone))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unpaired surrogate");
    assertThatThrownBy(() -> Canonical.bytes(NODES.numberNode(Double.NaN)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Canonical.bytes(NODES.numberNode(new BigDecimal("1e400"))))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Canonical.bytes(NODES.numberNode(BigInteger.TEN.pow(400))))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Canonical.bytes(NODES.binaryNode(new byte[] {1})))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void bytes_integersFromCode_matchTheirDecimalText() {
    SplittableRandom random = new SplittableRandom(8785);
    for (int i = 0; i < 2000; i++) {
      long value = random.nextLong(-(1L << 53), 1L << 53);
      JsonNode node = NODES.numberNode(value);

      assertThat(Canonical.text(node)).as("value %d", value).isEqualTo(Long.toString(value));
    }
  }

  @Test
  void bytes_isUtf8OfText() throws JsonRejected {
    JsonNode node = StrictJson.parse("{\"€\":\"😂\"}".getBytes(UTF_8), JsonLimits.defaults());

    assertThat(HexFormat.of().formatHex(Canonical.bytes(node)))
        .isEqualTo("7b22e282ac223a22f09f988222" + "7d");
  }
}
