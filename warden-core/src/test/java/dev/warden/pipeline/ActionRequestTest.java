package dev.warden.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warden.error.ErrorCode;
import dev.warden.error.RequestRejected;
import dev.warden.json.JsonLimits;
import dev.warden.json.JsonRejected;
import dev.warden.json.StrictJson;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link ActionRequest#from}: every validation rule, each refusal with the JSON Pointer of the
 * offending field. Bodies are written as JSON text and parsed by {@link StrictJson}, as the
 * pipeline does.
 */
class ActionRequestTest {
  private static final String OK = "\"action\":\"payments.transfer\",\"resource\":\"acct:1\"";

  @Test
  void from_fullValidRequest_exposesItsFields() throws Exception {
    ActionRequest r =
        ActionRequest.from(
            parse(
                "{"
                    + OK
                    + ",\"params\":{\"to\":\"bob\"},\"amount\":{\"value\":\"12.50\",\"currency\":\"USD\"},"
                    + "\"labels\":{\"env\":\"prod\",\"team/a\":\"\"},\"classification\":\"internal\"}"));

    assertThat(r.action()).isEqualTo("payments.transfer");
    assertThat(r.resource()).isEqualTo("acct:1");
    assertThat(r.labels()).isEqualTo(Map.of("env", "prod", "team/a", ""));
    assertThat(r.classification()).isEqualTo(Optional.of("internal"));
    assertThat(r.json().get("params").get("to").asText()).isEqualTo("bob");
  }

  @Test
  void from_minimalRequest_noLabelsNoClassification() throws Exception {
    ActionRequest r = ActionRequest.from(parse("{" + OK + "}"));
    assertThat(r.labels()).isEmpty();
    assertThat(r.classification()).isEmpty();
  }

  static Stream<Arguments> accepted() {
    return Stream.of(
        Arguments.of("{" + OK + ",\"amount\":{\"value\":\"0\",\"currency\":\"EUR\"}}"),
        Arguments.of("{" + OK + ",\"amount\":{\"value\":\"0.000001\",\"currency\":\"EUR\"}}"),
        Arguments.of(
            "{" + OK + ",\"amount\":{\"currency\":\"JPY\",\"value\":\"999999999999999999\"}}"),
        Arguments.of("{\"action\":\"a\",\"resource\":\"r\"}"),
        Arguments.of("{\"action\":\"0:a_b-c.d\",\"resource\":\"" + "r".repeat(1024) + "\"}"),
        Arguments.of("{\"action\":\"" + "a".repeat(128) + "\",\"resource\":\"é😀\"}"),
        Arguments.of("{" + OK + ",\"params\":{}}"),
        Arguments.of("{" + OK + ",\"labels\":{}}"),
        Arguments.of("{" + OK + ",\"labels\":{\"k\":\"" + "v".repeat(256) + "\"}}"),
        Arguments.of("{" + OK + ",\"classification\":\"" + "c".repeat(64) + "\"}"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("accepted")
  void from_validBody_accepted(String body) throws Exception {
    assertThat(ActionRequest.from(parse(body))).isNotNull();
  }

  static Stream<Arguments> refused() {
    return Stream.of(
        // the body
        Arguments.of("[]", ""),
        Arguments.of("\"text\"", ""),
        Arguments.of("{" + OK + ",\"extra\":1}", "/extra"),
        Arguments.of("{" + OK + ",\"a/b~c\":1}", "/a~1b~0c"),
        // action
        Arguments.of("{\"resource\":\"r\"}", "/action"),
        Arguments.of("{\"action\":null,\"resource\":\"r\"}", "/action"),
        Arguments.of("{\"action\":1,\"resource\":\"r\"}", "/action"),
        Arguments.of("{\"action\":\"\",\"resource\":\"r\"}", "/action"),
        Arguments.of("{\"action\":\"Payments\",\"resource\":\"r\"}", "/action"),
        Arguments.of("{\"action\":\".a\",\"resource\":\"r\"}", "/action"),
        Arguments.of("{\"action\":\"a b\",\"resource\":\"r\"}", "/action"),
        Arguments.of("{\"action\":\"" + "a".repeat(129) + "\",\"resource\":\"r\"}", "/action"),
        // resource
        Arguments.of("{\"action\":\"a\"}", "/resource"),
        Arguments.of("{\"action\":\"a\",\"resource\":[]}", "/resource"),
        Arguments.of("{\"action\":\"a\",\"resource\":\"\"}", "/resource"),
        Arguments.of("{\"action\":\"a\",\"resource\":\"" + "r".repeat(1025) + "\"}", "/resource"),
        Arguments.of("{\"action\":\"a\",\"resource\":\"a\\u0000b\"}", "/resource"),
        Arguments.of("{\"action\":\"a\",\"resource\":\"a\\nb\"}", "/resource"),
        Arguments.of("{\"action\":\"a\",\"resource\":\"a\\u001bb\"}", "/resource"),
        Arguments.of("{\"action\":\"a\",\"resource\":\"a\\u007fb\"}", "/resource"),
        Arguments.of("{\"action\":\"a\",\"resource\":\"a\\u0085b\"}", "/resource"), // NEL (C1)
        Arguments.of("{\"action\":\"a\",\"resource\":\"a\\u009bb\"}", "/resource"), // CSI (C1)
        // params
        Arguments.of("{" + OK + ",\"params\":[1]}", "/params"),
        Arguments.of("{" + OK + ",\"params\":\"x\"}", "/params"),
        Arguments.of("{" + OK + ",\"params\":null}", "/params"),
        // amount
        Arguments.of("{" + OK + ",\"amount\":\"12.50\"}", "/amount"),
        Arguments.of(
            "{" + OK + ",\"amount\":{\"value\":12.5,\"currency\":\"USD\"}}", "/amount/value"),
        Arguments.of(
            "{" + OK + ",\"amount\":{\"value\":\"-1\",\"currency\":\"USD\"}}", "/amount/value"),
        Arguments.of(
            "{" + OK + ",\"amount\":{\"value\":\"1.1234567\",\"currency\":\"USD\"}}",
            "/amount/value"),
        Arguments.of(
            "{" + OK + ",\"amount\":{\"value\":\"01\",\"currency\":\"USD\"}}", "/amount/value"),
        Arguments.of(
            "{" + OK + ",\"amount\":{\"value\":\"1.\",\"currency\":\"USD\"}}", "/amount/value"),
        Arguments.of(
            "{" + OK + ",\"amount\":{\"value\":\".5\",\"currency\":\"USD\"}}", "/amount/value"),
        Arguments.of(
            "{" + OK + ",\"amount\":{\"value\":\"1e3\",\"currency\":\"USD\"}}", "/amount/value"),
        Arguments.of(
            "{" + OK + ",\"amount\":{\"value\":\" 1\",\"currency\":\"USD\"}}", "/amount/value"),
        Arguments.of(
            "{" + OK + ",\"amount\":{\"value\":\"1000000000000000000\",\"currency\":\"USD\"}}",
            "/amount/value"),
        Arguments.of("{" + OK + ",\"amount\":{\"currency\":\"USD\"}}", "/amount/value"),
        Arguments.of(
            "{" + OK + ",\"amount\":{\"value\":\"1\",\"currency\":\"usd\"}}", "/amount/currency"),
        Arguments.of(
            "{" + OK + ",\"amount\":{\"value\":\"1\",\"currency\":\"US\"}}", "/amount/currency"),
        Arguments.of("{" + OK + ",\"amount\":{\"value\":\"1\"}}", "/amount/currency"),
        Arguments.of(
            "{" + OK + ",\"amount\":{\"value\":\"1\",\"currency\":\"USD\",\"note\":\"x\"}}",
            "/amount/note"),
        // labels
        Arguments.of("{" + OK + ",\"labels\":[\"a\"]}", "/labels"),
        Arguments.of("{" + OK + ",\"labels\":{\"Env\":\"x\"}}", "/labels/Env"),
        Arguments.of("{" + OK + ",\"labels\":{\"a/b~\":\"x\"}}", "/labels/a~1b~0"),
        Arguments.of("{" + OK + ",\"labels\":{\"env\":1}}", "/labels/env"),
        Arguments.of(
            "{" + OK + ",\"labels\":{\"env\":\"" + "v".repeat(257) + "\"}}", "/labels/env"),
        Arguments.of("{" + OK + ",\"labels\":{\"env\":\"a\\tb\"}}", "/labels/env"),
        Arguments.of("{" + OK + ",\"labels\":" + manyLabels(65) + "}", "/labels"),
        // classification
        Arguments.of("{" + OK + ",\"classification\":1}", "/classification"),
        Arguments.of("{" + OK + ",\"classification\":\"\"}", "/classification"),
        Arguments.of(
            "{" + OK + ",\"classification\":\"" + "c".repeat(65) + "\"}", "/classification"),
        Arguments.of("{" + OK + ",\"classification\":\"a\\rb\"}", "/classification"));
  }

  @ParameterizedTest(name = "{1} <- {0}")
  @MethodSource("refused")
  void from_invalidBody_refusedWithPointer(String body, String pointer) throws Exception {
    JsonNode json = parse(body);
    assertThatThrownBy(() -> ActionRequest.from(json))
        .isInstanceOfSatisfying(
            RequestRejected.class,
            r -> {
              assertThat(r.code()).isEqualTo(ErrorCode.REQUEST_INVALID);
              assertThat(r.pointer()).contains(pointer);
              assertThat(r.detail()).startsWith(pointer.isEmpty() ? "body: " : pointer + ": ");
            });
  }

  @Test
  void from_64Labels_accepted() throws Exception {
    assertThat(ActionRequest.from(parse("{" + OK + ",\"labels\":" + manyLabels(64) + "}")).labels())
        .hasSize(64);
  }

  @Test
  void from_unknownField_detailListsAllowedFields() throws Exception {
    JsonNode json = parse("{" + OK + ",\"extra\":1}");
    assertThatThrownBy(() -> ActionRequest.from(json))
        .hasMessageContaining("action, amount, classification, labels, params, resource");
  }

  private static String manyLabels(int n) {
    StringBuilder b = new StringBuilder("{");
    for (int i = 0; i < n; i++) {
      b.append(i == 0 ? "" : ",").append("\"l").append(i).append("\":\"v\"");
    }
    return b.append('}').toString();
  }

  private static JsonNode parse(String body) throws JsonRejected {
    return StrictJson.parse(body.getBytes(StandardCharsets.UTF_8), JsonLimits.defaults());
  }
}
