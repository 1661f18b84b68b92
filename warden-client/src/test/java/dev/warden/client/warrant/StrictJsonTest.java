package dev.warden.client.warrant;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.warden.client.warrant.WarrantException.Reason;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class StrictJsonTest {

  static Stream<Arguments> refused() {
    return Stream.of(
        Arguments.of("empty", ""),
        Arguments.of("whitespace only", " \n"),
        Arguments.of("repeated member", "{\"a\":1,\"a\":1}"),
        Arguments.of("repeated nested member", "{\"a\":[{\"b\":1,\"b\":2}]}"),
        Arguments.of("trailing value", "{} {}"),
        Arguments.of("trailing garbage", "{}x"),
        Arguments.of("unpaired high surrogate", "[\"\\ud800\"]"),
        Arguments.of("unpaired low surrogate in a name", "{\"\\udc00\":1}"),
        Arguments.of("reversed surrogate pair", "[\"\\udc00\\ud800\"]"),
        Arguments.of("NaN", "[NaN]"),
        Arguments.of("beyond the double range", "[1e400]"),
        Arguments.of("integer beyond the double range", "[1" + "0".repeat(400) + "]"),
        Arguments.of("leading zero", "[01]"),
        Arguments.of("single quotes", "['a']"),
        Arguments.of("comment", "[1 /* c */]"),
        Arguments.of("trailing comma", "[1,]"),
        Arguments.of("unescaped control character", "[\"a\u0001\"]"),
        Arguments.of(
            "too deep",
            "[".repeat(StrictJson.MAX_DEPTH + 1) + "]".repeat(StrictJson.MAX_DEPTH + 1)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refused")
  void parse_notStrictJson_throwsGivenReason(String name, String json) {
    WarrantException e =
        catchThrowableOfType(
            WarrantException.class,
            () -> StrictJson.parse(json.getBytes(UTF_8), 1 << 20, "body", Reason.DIGEST_MISMATCH));

    assertThat(e).as(name).isNotNull();
    assertThat(e.reason()).isEqualTo(Reason.DIGEST_MISMATCH);
    assertThat(e.getMessage()).startsWith("body ").hasSizeLessThan(300);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badUtf8")
  void parse_notUtf8_throws(String name, String hex) {
    byte[] bytes = HexFormat.of().parseHex(hex);

    assertThat(
            catchThrowableOfType(
                WarrantException.class,
                () -> StrictJson.parse(bytes, 1 << 20, "body", Reason.MALFORMED)))
        .as(name)
        .isNotNull();
  }

  static Stream<Arguments> badUtf8() {
    return Stream.of(
        // ["/"] with '/' as the overlong two-byte form C0 AF.
        Arguments.of("overlong slash", "5b22c0af225d"),
        // ["\uD800"] as an encoded surrogate (CESU-8 style) ED A0 80.
        Arguments.of("encoded surrogate", "5b22eda080225d"),
        Arguments.of("truncated sequence", "5b22e282225d"),
        Arguments.of("byte order mark", "efbbbf5b5d"));
  }

  @Test
  void parse_longerThanLimit_throwsNamingTheLimit() {
    WarrantException e =
        catchThrowableOfType(
            WarrantException.class,
            () -> StrictJson.parse("[1,2,3]".getBytes(UTF_8), 6, "body", Reason.MALFORMED));

    assertThat(e.getMessage()).contains("7 bytes").contains("6");
  }

  @Test
  void parse_surrogatePairAndDeepestNesting_areAccepted() throws Exception {
    String deepest = "[".repeat(StrictJson.MAX_DEPTH) + "]".repeat(StrictJson.MAX_DEPTH);

    assertThat(
            StrictJson.parse("[\"\\ud83d\\ude00\"]".getBytes(UTF_8), 100, "b", Reason.MALFORMED)
                .get(0)
                .textValue())
        .isEqualTo("😀");
    assertThat(StrictJson.parse(deepest.getBytes(UTF_8), 1000, "b", Reason.MALFORMED).isArray())
        .isTrue();
  }

  @Test
  void parse_longAttackerName_messageStaysShort() {
    String name = "n".repeat(10_000);
    String json = "{\"" + name + "\":1,\"" + name + "\":2}";

    WarrantException e =
        catchThrowableOfType(
            WarrantException.class,
            () -> StrictJson.parse(json.getBytes(UTF_8), 1 << 20, "body", Reason.MALFORMED));

    assertThat(e.getMessage()).hasSizeLessThan(300);
  }
}
