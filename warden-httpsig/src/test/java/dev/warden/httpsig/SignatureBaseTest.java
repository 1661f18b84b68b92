package dev.warden.httpsig;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.httpsig.SignatureException.Reason;
import dev.warden.httpsig.StructuredFields.Parameters;
import dev.warden.httpsig.StructuredFields.SfBoolean;
import dev.warden.httpsig.StructuredFields.SfString;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Component values per RFC 9421 §2.1 and §2.2, mostly the RFC's own examples. */
class SignatureBaseTest {

  /** The fields of the RFC 9421 §2.1 example message. */
  private static final Map<String, List<String>> RFC_FIELDS =
      Map.of(
          "Host", List.of("www.example.com"),
          "Date", List.of("Tue, 20 Apr 2021 02:07:56 GMT"),
          "X-OWS-Header", List.of("   Leading and trailing whitespace.   "),
          "Cache-Control", List.of("max-age=60", "   must-revalidate"),
          "Example-Dict", List.of(" a=1,    b=2;x=1;y=2,   c=(a   b   c), d"),
          "Example-Header", List.of("value, with, lots", "of, commas"),
          "X-Empty-Header", List.of(""));

  private static final HttpRequestView RFC_REQUEST =
      HttpRequestView.of(
          "POST", URI.create("https://www.example.com/path?param=value"), RFC_FIELDS);

  @ParameterizedTest
  @CsvSource(
      delimiterString = " => ",
      value = {
        "@method => POST",
        "@target-uri => https://www.example.com/path?param=value",
        "@authority => www.example.com",
        "@scheme => https",
        "@request-target => /path?param=value",
        "@path => /path",
        "@query => ?param=value",
        "host => www.example.com",
        "date => Tue, 20 Apr 2021 02:07:56 GMT",
        "x-ows-header => Leading and trailing whitespace.",
        "cache-control => 'max-age=60, must-revalidate'",
        "example-dict => 'a=1,    b=2;x=1;y=2,   c=(a   b   c), d'",
      })
  void build_rfcExampleComponent_hasRfcValue(String name, String expected) throws Exception {
    assertThat(value(RFC_REQUEST, Component.of(name))).isEqualTo(expected);
  }

  @Test
  void build_emptyField_hasEmptyValue() throws Exception {
    assertThat(line(RFC_REQUEST, Component.of("x-empty-header"))).isEqualTo("\"x-empty-header\": ");
  }

  @ParameterizedTest
  @CsvSource(
      delimiterString = " => ",
      value = {"a => 1", "b => 2;x=1;y=2", "c => (a b c)", "d => ?1"})
  void build_dictionaryKey_serializesMember(String key, String expected) throws Exception {
    Component c = new Component("example-dict", Parameters.EMPTY.with("key", new SfString(key)));
    assertThat(value(RFC_REQUEST, c)).isEqualTo(expected);
  }

  @Test
  void build_byteSequenceFlag_wrapsEachFieldLine() throws Exception {
    Component c = new Component("example-header", Parameters.EMPTY.with("bs", SfBoolean.TRUE));
    assertThat(line(RFC_REQUEST, c))
        .isEqualTo("\"example-header\";bs: :dmFsdWUsIHdpdGgsIGxvdHM=:, :b2YsIGNvbW1hcw==:");
  }

  @Test
  void build_structuredFlag_reserializesKnownStructuredField() throws Exception {
    HttpRequestView request =
        view(Map.of("Content-Digest", List.of("sha-256=:AQID:;x=?1 ,   sha-512=:BA==:")));
    Component c = new Component("content-digest", Parameters.EMPTY.with("sf", SfBoolean.TRUE));
    assertThat(line(request, c))
        .isEqualTo("\"content-digest\";sf: sha-256=:AQID:;x, sha-512=:BA==:");
  }

  @Test
  void build_structuredFlagOnUnknownField_throwsMalformed() {
    Component c = new Component("example-dict", Parameters.EMPTY.with("sf", SfBoolean.TRUE));
    assertMalformed(() -> SignatureBase.build(RFC_REQUEST, List.of(c), "()"), "example-dict");
  }

  @Test
  void build_dictionaryKeyAbsent_throwsMalformed() {
    Component c = new Component("example-dict", Parameters.EMPTY.with("key", new SfString("zz")));
    assertMalformed(() -> SignatureBase.build(RFC_REQUEST, List.of(c), "()"), "key");
  }

  @Test
  void build_queryParams_decodedAndReencodedPerRfc() throws Exception {
    HttpRequestView request =
        HttpRequestView.of(
            "GET",
            URI.create(
                "https://example.com/path?param=value&foo=bar&baz=batman&qux="
                    + "&var=this%20is%20a%20big%0Avalue&bar=with+plus+whitespace"
                    + "&fa%C3%A7ade%22%3A%20=something&lower=%c3%a7"),
            Map.of());
    assertThat(value(request, Component.queryParam("baz"))).isEqualTo("batman");
    assertThat(value(request, Component.queryParam("qux"))).isEmpty();
    assertThat(value(request, Component.queryParam("var")))
        .isEqualTo("this%20is%20a%20big%0Avalue");
    assertThat(value(request, Component.queryParam("bar"))).isEqualTo("with%20plus%20whitespace");
    assertThat(value(request, Component.queryParam("fa%C3%A7ade%22%3A%20"))).isEqualTo("something");
    assertThat(value(request, Component.queryParam("lower"))).isEqualTo("%C3%A7");
  }

  @Test
  void build_queryParamRepeated_throwsMalformed() {
    HttpRequestView request =
        HttpRequestView.of("GET", URI.create("https://e.com/?a=1&a=2"), Map.of());
    assertMalformed(
        () -> SignatureBase.build(request, List.of(Component.queryParam("a")), "()"),
        "more than once");
  }

  @Test
  void build_queryParamAbsent_throwsMalformed() {
    HttpRequestView request = HttpRequestView.of("GET", URI.create("https://e.com/x"), Map.of());
    assertMalformed(
        () -> SignatureBase.build(request, List.of(Component.queryParam("a")), "()"), "\"a\"");
  }

  @ParameterizedTest
  @CsvSource(
      delimiterString = " => ",
      value = {
        "https://WWW.Example.COM:443/x => www.example.com | https://www.example.com/x | /x | ?",
        "HTTP://h.example:80 => h.example | http://h.example/ | / | ?",
        "http://h.example:8080/a%2Fb?x=%20y => h.example:8080 | http://h.example:8080/a%2Fb?x=%20y | /a%2Fb | ?x=%20y",
        "https://h.example:80/?  => h.example:80 | https://h.example:80/? | / | ?",
        "http://[::1]:80/p => [::1] | http://[::1]/p | /p | ?",
      })
  void build_uriVariants_normalizeAuthorityAndKeepEncodedPath(String uri, String expected)
      throws Exception {
    HttpRequestView request = HttpRequestView.of("GET", URI.create(uri.strip()), Map.of());
    String actual =
        String.join(
            " | ",
            value(request, Component.of("@authority")),
            value(request, Component.of("@target-uri")),
            value(request, Component.of("@path")),
            value(request, Component.of("@query")));
    assertThat(actual).isEqualTo(expected);
  }

  @Test
  void build_absentField_throwsMalformedNamingIt() {
    assertMalformed(
        () -> SignatureBase.build(RFC_REQUEST, List.of(Component.of("content-digest")), "()"),
        "\"content-digest\" is not present");
  }

  @ParameterizedTest
  @CsvSource({"'a\rb'", "'a\nb'", "'a\u0000b'", "'a\u0001b'", "'a\u007fb'", "'a\u20acb'"})
  void build_fieldWithControlOrWideCharacter_throwsMalformed(String value) {
    HttpRequestView request = view(Map.of("X-Bad", List.of(value)));
    assertMalformed(
        () -> SignatureBase.build(request, List.of(Component.of("x-bad")), "()"), "x-bad");
  }

  @Test
  void build_obsTextField_encodesBytesUnchanged() throws Exception {
    HttpRequestView request = view(Map.of("X-Latin", List.of("caf\u00e9")));
    byte[] base = SignatureBase.build(request, List.of(Component.of("x-latin")), "()");
    assertThat(base).contains((byte) 0xe9);
  }

  @Test
  void build_duplicateComponent_throwsMalformed() {
    assertMalformed(
        () ->
            SignatureBase.build(
                RFC_REQUEST, List.of(Component.of("date"), Component.of("date")), "()"),
        "twice");
  }

  @Test
  void build_severalComponents_joinsLinesWithSignatureParamsLast() throws Exception {
    byte[] base =
        SignatureBase.build(
            RFC_REQUEST,
            List.of(Component.of("@method"), Component.of("host")),
            "(\"@method\" \"host\");created=1");
    assertThat(new String(base, StandardCharsets.US_ASCII))
        .isEqualTo(
            "\"@method\": POST\n\"host\": www.example.com\n"
                + "\"@signature-params\": (\"@method\" \"host\");created=1");
  }

  private static HttpRequestView view(Map<String, List<String>> fields) {
    return HttpRequestView.of("POST", URI.create("https://example.com/"), fields);
  }

  private static String line(HttpRequestView request, Component c) throws SignatureException {
    String base =
        new String(SignatureBase.build(request, List.of(c), "()"), StandardCharsets.ISO_8859_1);
    return base.substring(0, base.indexOf('\n'));
  }

  private static String value(HttpRequestView request, Component c) throws SignatureException {
    return line(request, c).substring(c.identifier().length() + 2);
  }

  private static void assertMalformed(
      org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String messagePart) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            SignatureException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED_SIGNATURE))
        .hasMessageContaining(messagePart);
  }
}
