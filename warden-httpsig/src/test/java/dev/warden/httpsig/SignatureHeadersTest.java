package dev.warden.httpsig;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.httpsig.SignatureException.Reason;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SignatureHeadersTest {

  private static final String PARAMS = ";created=1700000000;nonce=\"n1\";keyid=\"agent-1\"";
  private static final String INPUT = "sig1=(\"@method\" \"@target-uri\")" + PARAMS;
  private static final String SIGNATURE = "sig1=:AQID:";

  @Test
  void parse_oneSignature_returnsLabelParamsAndBytes() throws Exception {
    List<LabeledSignature> sigs = SignatureHeaders.parse(view(List.of(INPUT), List.of(SIGNATURE)));
    assertThat(sigs).hasSize(1);
    LabeledSignature s = sigs.getFirst();
    assertThat(s.label()).isEqualTo("sig1");
    assertThat(s.signature()).containsExactly(1, 2, 3);
    assertThat(s.params().created()).isEqualTo(1_700_000_000L);
    assertThat(s.params().nonce()).isEqualTo("n1");
    assertThat(s.params().keyId()).isEqualTo("agent-1");
    assertThat(s.params().expires()).isEmpty();
    assertThat(s.params().alg()).isEmpty();
    assertThat(s.params().components())
        .containsExactly(Component.of("@method"), Component.of("@target-uri"));
    assertThat(s.params().serialized()).isEqualTo("(\"@method\" \"@target-uri\")" + PARAMS);
  }

  @Test
  void parse_severalFieldLines_combinesInSignatureInputOrder() throws Exception {
    String second = "sig0=(\"@path\")" + PARAMS + ";expires=1700000300;alg=\"ed25519\";tag=\"t\"";
    List<LabeledSignature> sigs =
        SignatureHeaders.parse(view(List.of(INPUT, second), List.of("sig0=:BA==:", SIGNATURE)));
    assertThat(sigs).extracting(LabeledSignature::label).containsExactly("sig1", "sig0");
    SignatureParameters p = sigs.get(1).params();
    assertThat(p.expires()).hasValue(1_700_000_300L);
    assertThat(p.alg()).contains("ed25519");
    assertThat(p.tag()).contains("t");
  }

  @Test
  void parse_noSignatureFields_throwsMissing() {
    assertReason(view(List.of(), List.of()), Reason.MISSING_SIGNATURE);
  }

  @Test
  void parse_onlySignatureInput_throwsMalformed() {
    assertReason(view(List.of(INPUT), List.of()), Reason.MALFORMED_SIGNATURE)
        .hasMessageContaining("Signature is missing");
  }

  @Test
  void parse_onlySignature_throwsMalformed() {
    assertReason(view(List.of(), List.of(SIGNATURE)), Reason.MALFORMED_SIGNATURE)
        .hasMessageContaining("Signature-Input is missing");
  }

  @Test
  void parse_labelOnlyInSignatureInput_throwsMalformed() {
    assertReason(view(List.of(INPUT), List.of("other=:AQID:")), Reason.MALFORMED_SIGNATURE)
        .hasMessageContaining("other");
  }

  @Test
  void parse_labelOnlyInSignature_throwsMalformed() {
    assertReason(
            view(List.of(INPUT), List.of(SIGNATURE + ", sig2=:AQID:")), Reason.MALFORMED_SIGNATURE)
        .hasMessageContaining("sig2");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiterString = " => ",
      value = {
        "missing-created => sig1=(\"@method\");nonce=\"n\";keyid=\"k\" => created",
        "missing-nonce => sig1=(\"@method\");created=1;keyid=\"k\" => nonce",
        "missing-keyid => sig1=(\"@method\");created=1;nonce=\"n\" => keyid",
        "created-string => sig1=(\"@method\");created=\"1\";nonce=\"n\";keyid=\"k\" => created",
        "created-negative => sig1=(\"@method\");created=-1;nonce=\"n\";keyid=\"k\" => created",
        "created-decimal => sig1=(\"@method\");created=1.5;nonce=\"n\";keyid=\"k\" => created",
        "expires-token => sig1=(\"@method\");created=1;expires=soon;nonce=\"n\";keyid=\"k\" => expires",
        "nonce-integer => sig1=(\"@method\");created=1;nonce=5;keyid=\"k\" => nonce",
        "nonce-empty => sig1=(\"@method\");created=1;nonce=\"\";keyid=\"k\" => nonce",
        "keyid-token => sig1=(\"@method\");created=1;nonce=\"n\";keyid=k => keyid",
        "alg-boolean => sig1=(\"@method\");created=1;nonce=\"n\";keyid=\"k\";alg => alg",
        "unknown-parameter => sig1=(\"@method\");created=1;nonce=\"n\";keyid=\"k\";foo=1 => foo",
        "duplicate-component => sig1=(\"@method\" \"@method\");created=1;nonce=\"n\";keyid=\"k\" => twice",
        "unknown-derived => sig1=(\"@foo\");created=1;nonce=\"n\";keyid=\"k\" => @foo",
        "status-in-request => sig1=(\"@status\");created=1;nonce=\"n\";keyid=\"k\" => @status",
        "signature-params-covered => sig1=(\"@signature-params\");created=1;nonce=\"n\";keyid=\"k\" => @signature-params",
        "component-token => sig1=(date);created=1;nonce=\"n\";keyid=\"k\" => strings",
        "uppercase-field => sig1=(\"Date\");created=1;nonce=\"n\";keyid=\"k\" => lower-case",
        "unknown-component-parameter => sig1=(\"date\";x);created=1;nonce=\"n\";keyid=\"k\" => unknown parameter x",
        "sf-on-derived => sig1=(\"@method\";sf);created=1;nonce=\"n\";keyid=\"k\" => sf",
        "bs-with-sf => sig1=(\"date\";bs;sf);created=1;nonce=\"n\";keyid=\"k\" => bs",
        "key-not-string => sig1=(\"dict\";key=a);created=1;nonce=\"n\";keyid=\"k\" => key",
        "req-parameter => sig1=(\"date\";req);created=1;nonce=\"n\";keyid=\"k\" => req",
        "query-param-without-name => sig1=(\"@query-param\");created=1;nonce=\"n\";keyid=\"k\" => name",
        "name-on-field => sig1=(\"date\";name=\"x\");created=1;nonce=\"n\";keyid=\"k\" => name",
        "member-is-item => sig1=\"@method\";created=1;nonce=\"n\";keyid=\"k\" => inner list",
        "not-a-dictionary => (\"@method\") => offset",
      })
  void parse_badSignatureInput_throwsMalformedNamingProblem(
      String name, String input, String messagePart) {
    assertReason(view(List.of(input), List.of(SIGNATURE)), Reason.MALFORMED_SIGNATURE)
        .hasMessageContaining(messagePart);
  }

  @ParameterizedTest
  @CsvSource(
      delimiterString = " => ",
      value = {
        "sig1=AQID => byte sequence",
        "sig1=(:AQID:) => byte sequence",
        "sig1=:AQ$D: => offset",
        "sig1=:AQID:, => offset",
      })
  void parse_badSignature_throwsMalformed(String signature, String messagePart) {
    assertReason(view(List.of(INPUT), List.of(signature)), Reason.MALFORMED_SIGNATURE)
        .hasMessageContaining(messagePart);
  }

  @Test
  void parse_emptySignatureInputLine_throwsMalformed() {
    assertReason(view(List.of(""), List.of(SIGNATURE)), Reason.MALFORMED_SIGNATURE);
  }

  private static HttpRequestView view(List<String> inputs, List<String> signatures) {
    Map<String, List<String>> fields = new HashMap<>();
    if (!inputs.isEmpty()) {
      fields.put("Signature-Input", inputs);
    }
    if (!signatures.isEmpty()) {
      fields.put("Signature", signatures);
    }
    return HttpRequestView.of("GET", URI.create("https://example.com/"), fields);
  }

  private static AbstractThrowableAssert<?, ?> assertReason(HttpRequestView view, Reason reason) {
    return assertThatThrownBy(() -> SignatureHeaders.parse(view))
        .isInstanceOfSatisfying(
            SignatureException.class, e -> assertThat(e.reason()).isEqualTo(reason));
  }
}
