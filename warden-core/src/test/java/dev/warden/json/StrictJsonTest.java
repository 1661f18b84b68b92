package dev.warden.json;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warden.json.JsonRejected.Reason;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StrictJsonTest {

  private static final JsonLimits DEFAULTS = JsonLimits.defaults();

  private static JsonRejected rejection(String json, JsonLimits limits) {
    return rejection(json.getBytes(UTF_8), limits);
  }

  private static JsonRejected rejection(byte[] body, JsonLimits limits) {
    JsonRejected e = catchThrowableOfType(JsonRejected.class, () -> StrictJson.parse(body, limits));
    assertThat(e).as("expected a rejection").isNotNull();
    return e;
  }

  private static JsonNode parse(String json) throws JsonRejected {
    return StrictJson.parse(json.getBytes(UTF_8), DEFAULTS);
  }

  @ParameterizedTest(name = "{0} -> {1} at \"{2}\"")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        // input                             | reason            | pointer
        "{\"a\":{\"b\":1,\"b\":2}}           | DUPLICATE_KEY     | /a/b",
        "[{\"x\":1},{\"y\":1,\"y\":1}]       | DUPLICATE_KEY     | /1/y",
        "{\"a/b\":{\"~\":1,\"~\":2}}         | DUPLICATE_KEY     | /a~1b/~0",
        "NaN                                 | NON_FINITE_NUMBER | ``",
        "{\"p\":{\"amount\":NaN}}            | NON_FINITE_NUMBER | /p/amount",
        "[1,Infinity]                        | NON_FINITE_NUMBER | /1",
        "[-Infinity]                         | NON_FINITE_NUMBER | /0",
        "{\"a\":+1}                          | SYNTAX            | /a",
        "[01]                                | SYNTAX            | /0",
        "[-01]                               | SYNTAX            | /0",
        "{\"a\":[1,}                         | SYNTAX            | /a/1",
        "{'a':1}                             | SYNTAX            | ``",
        "[1,]                                | SYNTAX            | /1",
        "{\"a\":1,}                          | SYNTAX            | /a",
        "{\"a\":{\"b\" 1}}                    | SYNTAX            | /a/b",
        "[[1],[2,x]]                         | SYNTAX            | /1/1",
        "[.5]                                | SYNTAX            | /0",
        "[1.]                                | SYNTAX            | /0",
        "[\"\\x\"]                           | SYNTAX            | /0",
        "[\"\u0001\"]                        | SYNTAX            | /0",
        "{\"a\":1} x                         | TRAILING_DATA     | ``",
        "{} {}                               | TRAILING_DATA     | ``",
        "1 2                                 | TRAILING_DATA     | ``",
        "[1]]                                | TRAILING_DATA     | ``",
        "[\"\\ud800\"]                       | INVALID_UTF8      | /0",
        "{\"k\\udc00\":1}                    | INVALID_UTF8      | ``",
        "[\"\\ude00\\ud83d\"]                | INVALID_UTF8      | /0",
        "[\"\\ud83d\\ud83d\\ude00\"]          | INVALID_UTF8      | /0",
      })
  void parse_brokenRule_rejectsWithReasonAndPointer(String json, Reason reason, String pointer) {
    JsonRejected e = rejection(json, DEFAULTS);

    assertThat(e.reason()).isEqualTo(reason);
    assertThat(e.pointer()).isEqualTo(pointer);
  }

  @Test
  void parse_emptyOrWhitespaceBody_rejectsAsSyntax() {
    assertThat(rejection("", DEFAULTS).reason()).isEqualTo(Reason.SYNTAX);
    assertThat(rejection(" \n\t\r ", DEFAULTS).getMessage())
        .isEqualTo("body is empty; expected one JSON value");
  }

  @Test
  void parse_syntaxError_messageHasPositionAndNoJacksonAdvice() {
    JsonRejected plus = rejection("{\"a\":+1}", DEFAULTS);
    JsonRejected value = rejection("[1,]", DEFAULTS);

    assertThat(plus.getMessage())
        .startsWith("invalid JSON at line 1, column ")
        .contains("plus signs")
        .doesNotContain("enable", "JsonReadFeature");
    assertThat(value.getMessage()).doesNotContain("NaN", "INF");
  }

  @Test
  void parse_trailingData_messageSaysWhere() {
    assertThat(rejection("{\"a\":1} x", DEFAULTS).getMessage())
        .isEqualTo("unexpected data after the JSON value at line 1, column 10");
  }

  @Test
  void parse_nonWhitespaceControlBetweenTokens_rejects() {
    // U+000B and U+00A0 are whitespace to some parsers, not to JSON.
    assertThat(rejection("\u000b1", DEFAULTS).reason()).isEqualTo(Reason.SYNTAX);
    assertThat(rejection("[1,\u00a02]", DEFAULTS).reason()).isEqualTo(Reason.SYNTAX);
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource({
    "overlong-slash, 22c0af22",
    "overlong-nul, 22c08022",
    "overlong-3-byte, 22e080af22",
    "encoded-high-surrogate, 22eda08022",
    "encoded-low-surrogate, 22edb08022",
    "cesu-pair, 22eda0bdedb88022",
    "truncated-2-byte, 22c3",
    "truncated-3-byte, 22e282",
    "truncated-tail, 5b22e28222",
    "above-u10ffff, 22f490808022",
    "byte-f5, 22f522",
    "byte-ff, 22ff22",
    "lone-continuation, 228022",
    "latin-1-e9, 22e922",
  })
  void parse_invalidUtf8_rejectsBeforeParsing(String mutation, String hex) {
    JsonRejected e = rejection(HexFormat.of().parseHex(hex), DEFAULTS);

    assertThat(e.reason()).as(mutation).isEqualTo(Reason.INVALID_UTF8);
    assertThat(e.pointer()).isEmpty();
    assertThat(e.getMessage()).startsWith("body is not valid UTF-8: malformed sequence at byte");
  }

  @Test
  void parse_invalidUtf8_messageGivesByteOffset() {
    assertThat(rejection(HexFormat.of().parseHex("5b2261c0af225d"), DEFAULTS).getMessage())
        .isEqualTo("body is not valid UTF-8: malformed sequence at byte offset 3");
  }

  @Test
  void parse_byteOrderMark_rejects() {
    JsonRejected e = rejection(HexFormat.of().parseHex("efbbbf7b7d"), DEFAULTS);

    assertThat(e.reason()).isEqualTo(Reason.INVALID_UTF8);
    assertThat(e.getMessage()).contains("byte order mark");
  }

  @Test
  void parse_validMultibyteUtf8_keepsText() throws JsonRejected {
    JsonNode node = parse("[\"€ö😂\",\"\\ud83d\\ude02\"]");

    assertThat(node.get(0).textValue()).isEqualTo("€ö😂");
    assertThat(node.get(1).textValue()).isEqualTo("😂");
  }

  @Test
  void parse_numbers_keptExactlyAsWritten() throws JsonRejected {
    JsonNode node =
        parse(
            "{\"big\":123456789012345678901234567890,\"long\":9007199254740993,"
                + "\"dec\":12.50,\"exp\":1.0E+2,\"tiny\":0.10000000000000000001,\"neg\":-0}");

    assertThat(node.get("big").bigIntegerValue())
        .isEqualTo(new BigInteger("123456789012345678901234567890"));
    assertThat(node.get("long").longValue()).isEqualTo(9_007_199_254_740_993L);
    assertThat(node.get("dec").decimalValue()).isEqualTo(new BigDecimal("12.50"));
    assertThat(node.get("exp").decimalValue()).isEqualTo(new BigDecimal("1.0E+2"));
    assertThat(node.get("tiny").decimalValue()).isEqualTo(new BigDecimal("0.10000000000000000001"));
    assertThat(node.get("dec").isBigDecimal()).isTrue();
    assertThat(node.get("neg").isIntegralNumber()).isTrue();
  }

  @Test
  void parse_numberOutsideDoubleRange_rejectsAsLimit() {
    JsonRejected e = rejection("{\"x\":[1e309]}", DEFAULTS);
    JsonRejected integer =
        rejection("[-1" + "0".repeat(309) + "]", new JsonLimits(1000, 8, 8, 400, 8));

    assertThat(e.reason()).isEqualTo(Reason.LIMIT);
    assertThat(e.pointer()).isEqualTo("/x/0");
    assertThat(e.getMessage()).contains("outside the range of an IEEE 754 double");
    assertThat(rejection("[1e999999999]", DEFAULTS).reason()).isEqualTo(Reason.LIMIT);
    assertThat(integer.reason()).isEqualTo(Reason.LIMIT);
    assertThat(integer.pointer()).isEqualTo("/0");
  }

  @Test
  void parse_hugeNegativeExponent_isAcceptedAndExact() throws JsonRejected {
    // Rounds to 0 as a double, but is a finite number: kept exactly, canonicalized as 0.
    JsonNode node = parse("[1e-999999999]");

    assertThat(node.get(0).decimalValue()).isEqualByComparingTo(new BigDecimal("1e-999999999"));
    assertThat(Canonical.text(node)).isEqualTo("[0]");
  }

  @Test
  void parse_bodyAtLimit_accepted_oneByteMore_rejectedNamingSetting() throws JsonRejected {
    JsonLimits limits = new JsonLimits(10, 32, 100, 100, 100);

    assertThat(StrictJson.parse("[\"123456\"]".getBytes(UTF_8), limits).get(0).textValue())
        .isEqualTo("123456");
    JsonRejected e = rejection("[\"1234567\"]", limits);
    assertThat(e.reason()).isEqualTo(Reason.TOO_LARGE);
    assertThat(e.pointer()).isEmpty();
    assertThat(e.getMessage())
        .isEqualTo("request body of 11 bytes exceeds limits.max_body_bytes = 10");
  }

  @Test
  void parse_depthAtLimit_accepted_oneMore_rejectedNamingSetting() throws JsonRejected {
    String deepest = "[".repeat(32) + "]".repeat(32);
    String tooDeep = "{\"a\":" + "[".repeat(32) + "]".repeat(32) + "}";

    assertThat(parse(deepest).isArray()).isTrue();
    JsonRejected e = rejection(tooDeep, DEFAULTS);
    assertThat(e.reason()).isEqualTo(Reason.TOO_DEEP);
    assertThat(e.pointer()).isEqualTo("/a" + "/0".repeat(31));
    assertThat(e.getMessage())
        .isEqualTo("JSON nesting depth 33 exceeds limits.max_json_depth = 32");
  }

  @Test
  void parse_farTooDeep_rejectsWithoutStackOverflow() {
    String json = "[".repeat(100_000) + "]".repeat(100_000);

    assertThat(rejection(json, new JsonLimits(1 << 20, 32, 10, 10, 10)).reason())
        .isEqualTo(Reason.TOO_DEEP);
  }

  @Test
  void parse_stringAtLimit_accepted_longer_rejectedNamingSetting() throws JsonRejected {
    JsonLimits limits = new JsonLimits(1 << 20, 32, 5, 100, 100);

    assertThat(StrictJson.parse("{\"abcde\":\"12345\"}".getBytes(UTF_8), limits)).isNotNull();
    JsonRejected value = rejection("{\"a\":\"123456\"}", limits);
    JsonRejected name = rejection("{\"abcdef\":1}", limits);
    JsonRejected huge = rejection("{\"a\":[\"" + "x".repeat(10_000) + "\"]}", limits);

    assertThat(value.reason()).isEqualTo(Reason.LIMIT);
    assertThat(value.pointer()).isEqualTo("/a");
    assertThat(value.getMessage())
        .isEqualTo("string at /a has 6 characters, exceeding limits.max_string_length = 5");
    assertThat(name.reason()).isEqualTo(Reason.LIMIT);
    assertThat(name.pointer()).isEqualTo("");
    assertThat(name.getMessage()).contains("limits.max_string_length = 5");
    // Far over the limit, Jackson's own constraint stops the token; the message is still ours.
    assertThat(huge.reason()).isEqualTo(Reason.LIMIT);
    assertThat(huge.pointer()).isEqualTo("/a/0");
    assertThat(huge.getMessage())
        .isEqualTo(
            "string at /a/0 has more than 5 characters, exceeding limits.max_string_length = 5");
  }

  @Test
  void parse_numberAtLimit_accepted_longer_rejectedNamingSetting() throws JsonRejected {
    JsonLimits limits = new JsonLimits(1 << 20, 32, 100, 5, 100);

    assertThat(StrictJson.parse("[-1.25,12345]".getBytes(UTF_8), limits).size()).isEqualTo(2);
    JsonRejected e = rejection("{\"n\":-1.255}", limits);
    JsonRejected huge = rejection("[" + "9".repeat(5000) + "]", limits);

    assertThat(e.reason()).isEqualTo(Reason.LIMIT);
    assertThat(e.pointer()).isEqualTo("/n");
    assertThat(e.getMessage())
        .isEqualTo("number at /n has 6 characters, exceeding limits.max_number_length = 5");
    assertThat(huge.reason()).isEqualTo(Reason.LIMIT);
    assertThat(huge.getMessage()).contains("limits.max_number_length = 5");
  }

  @Test
  void parse_membersAtLimit_accepted_oneMore_rejectedNamingSetting() throws JsonRejected {
    JsonLimits limits = new JsonLimits(1 << 20, 32, 100, 100, 3);

    assertThat(StrictJson.parse("{\"a\":1,\"b\":[1,2,3],\"c\":3}".getBytes(UTF_8), limits))
        .hasSize(3);
    JsonRejected object = rejection("{\"x\":{\"a\":1,\"b\":2,\"c\":3,\"d\":4}}", limits);
    JsonRejected array = rejection("[[1,2,3,4]]", limits);

    assertThat(object.reason()).isEqualTo(Reason.LIMIT);
    assertThat(object.pointer()).isEqualTo("/x");
    assertThat(object.getMessage())
        .isEqualTo("JSON object at /x has more than 3 members, exceeding limits.max_members = 3");
    assertThat(array.pointer()).isEqualTo("/0");
    assertThat(array.getMessage()).contains("more than 3 elements");
  }

  @Test
  void parse_defaultLimits_acceptOneMebibyteBody() throws JsonRejected {
    String filler = "x".repeat(60_000);
    StringBuilder json = new StringBuilder("[");
    while (json.length() + filler.length() + 4 < DEFAULTS.maxBodyBytes()) {
      json.append(json.length() > 1 ? "," : "").append('"').append(filler).append('"');
    }
    json.append(']');

    assertThat(parse(json.toString()).size()).isEqualTo(17);
  }

  @Test
  void parse_scalarsAtTopLevel_accepted() throws JsonRejected {
    assertThat(parse(" true ").booleanValue()).isTrue();
    assertThat(parse("null").isNull()).isTrue();
    assertThat(parse("\"s\"").textValue()).isEqualTo("s");
    assertThat(parse("-0.5e-3").decimalValue()).isEqualTo(new BigDecimal("-0.5e-3"));
  }

  @Test
  void pointer_wholeBodyReason_isWholeDocumentPointer() {
    assertThat(rejection("[NaN]", DEFAULTS).pointer()).isEqualTo("/0");
    assertThat(rejection(new byte[] {(byte) 0xff}, DEFAULTS).pointer()).isEmpty();
  }
}
