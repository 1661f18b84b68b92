package dev.warden.httpsig;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.httpsig.SignatureException.Reason;
import dev.warden.httpsig.StructuredFields.InnerList;
import dev.warden.httpsig.StructuredFields.Item;
import dev.warden.httpsig.StructuredFields.Member;
import dev.warden.httpsig.StructuredFields.Parameters;
import dev.warden.httpsig.StructuredFields.SfBoolean;
import dev.warden.httpsig.StructuredFields.SfByteSequence;
import dev.warden.httpsig.StructuredFields.SfDecimal;
import dev.warden.httpsig.StructuredFields.SfInteger;
import dev.warden.httpsig.StructuredFields.SfString;
import dev.warden.httpsig.StructuredFields.SfToken;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class StructuredFieldsTest {

  static Stream<Map<String, Object>> validCases() {
    return TestJson.objects(TestJson.resource("rfc8941-valid.json"), "cases").stream();
  }

  static Stream<Map<String, Object>> invalidCases() {
    return TestJson.objects(TestJson.resource("rfc8941-invalid.json"), "cases").stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("validCases")
  void parse_rfcExample_serializesToCanonicalForm(Map<String, Object> c) throws Exception {
    String canonical = TestJson.string(c, "canonical");
    assertThat(roundTrip(TestJson.string(c, "type"), TestJson.string(c, "raw")))
        .as(TestJson.string(c, "name"))
        .isEqualTo(canonical);
    // The canonical form is a fixed point: serialize(parse(x)) == x.
    assertThat(roundTrip(TestJson.string(c, "type"), canonical)).isEqualTo(canonical);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidCases")
  void parse_invalidInput_throwsMalformedWithOffset(Map<String, Object> c) {
    assertThatThrownBy(() -> roundTrip(TestJson.string(c, "type"), TestJson.string(c, "raw")))
        .as(TestJson.string(c, "name"))
        .isInstanceOfSatisfying(
            SignatureException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED_SIGNATURE))
        .hasMessageContaining("at offset");
  }

  @Test
  void parseDictionary_rfcExample_yieldsTypedValues() throws Exception {
    Map<String, Member> dict =
        StructuredFields.parseDictionary(
            "en=\"Applepie\", da=:w4ZibGUgw6ZibGUK:, r=1.5, n=-7, t=?0, k=tok");
    assertThat(dict.keySet()).containsExactly("en", "da", "r", "n", "t", "k");
    assertThat(dict.get("en")).isEqualTo(Item.of(new SfString("Applepie")));
    assertThat(((Item) dict.get("da")).value())
        .isEqualTo(new SfByteSequence("\u00c6ble \u00e6ble\n".getBytes(StandardCharsets.UTF_8)));
    assertThat(dict.get("r")).isEqualTo(Item.of(new SfDecimal(new BigDecimal("1.5"))));
    assertThat(dict.get("n")).isEqualTo(Item.of(new SfInteger(-7)));
    assertThat(dict.get("t")).isEqualTo(Item.of(SfBoolean.FALSE));
    assertThat(dict.get("k")).isEqualTo(Item.of(new SfToken("tok")));
  }

  @Test
  void parseList_innerListWithParameters_keepsParameterOrder() throws Exception {
    List<Member> list = StructuredFields.parseList("(\"foo\";a=1;b=2);lvl=5");
    InnerList inner = (InnerList) list.getFirst();
    assertThat(inner.items().getFirst().params().map().keySet()).containsExactly("a", "b");
    assertThat(inner.params().get("lvl")).contains(new SfInteger(5));
  }

  @Test
  void serializeDictionary_constructedValues_matchesRfcSyntax() {
    Map<String, Member> dict = new LinkedHashMap<>();
    dict.put("a", Item.of(SfBoolean.TRUE));
    dict.put(
        "b",
        new Item(
            new SfString("x\"y\\z"),
            Parameters.EMPTY.with("q", new SfDecimal(new BigDecimal("0.12349")))));
    dict.put(
        "c",
        new InnerList(
            List.of(Item.of(new SfToken("t")), Item.of(new SfInteger(1))),
            Parameters.EMPTY.with("f", SfBoolean.TRUE)));
    dict.put("d", Item.of(new SfByteSequence(new byte[] {1, 2, 3})));
    assertThat(StructuredFields.serializeDictionary(dict))
        .isEqualTo("a, b=\"x\\\"y\\\\z\";q=0.123, c=(t 1);f, d=:AQID:");
  }

  @Test
  void valueTypes_outOfGrammar_throwIllegalArgument() {
    assertThatThrownBy(() -> new SfInteger(1_000_000_000_000_000L))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new SfDecimal(new BigDecimal("1000000000000")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new SfString("tab\there"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new SfToken("9lives")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Parameters.EMPTY.with("Upper", SfBoolean.TRUE))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void sfDecimal_halfWay_roundsToEven() {
    assertThat(StructuredFields.serialize(new SfDecimal(new BigDecimal("0.0125"))))
        .isEqualTo("0.012");
    assertThat(StructuredFields.serialize(new SfDecimal(new BigDecimal("0.0135"))))
        .isEqualTo("0.014");
    assertThat(StructuredFields.serialize(new SfDecimal(new BigDecimal("7")))).isEqualTo("7.0");
  }

  @Test
  void parseList_hundredThousandMembers_parsesWithoutRecursion() throws Exception {
    String input = "a, ".repeat(100_000) + "a";
    assertThat(StructuredFields.parseList(input)).hasSize(100_001);
  }

  @Test
  void parseList_deeplyNestedParentheses_throwsMalformedAtSecondParenthesis() {
    String input = "(".repeat(100_000);
    assertThatThrownBy(() -> StructuredFields.parseList(input))
        .isInstanceOf(SignatureException.class)
        .hasMessageContaining("at offset 1");
  }

  @Test
  void parseItem_longString_parsesWholeString() throws Exception {
    String body = "x".repeat(1 << 20);
    assertThat(StructuredFields.parseItem("\"" + body + "\"").value())
        .isEqualTo(new SfString(body));
  }

  static String roundTrip(String type, String raw) throws SignatureException {
    return switch (type) {
      case "list" -> StructuredFields.serializeList(StructuredFields.parseList(raw));
      case "dictionary" ->
          StructuredFields.serializeDictionary(StructuredFields.parseDictionary(raw));
      case "item" -> StructuredFields.serialize(StructuredFields.parseItem(raw));
      default -> throw new IllegalArgumentException(type);
    };
  }
}
