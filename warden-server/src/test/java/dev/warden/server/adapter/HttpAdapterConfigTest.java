package dev.warden.server.adapter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.server.adapter.AdapterConfigException.Reason;
import dev.warden.server.adapter.HttpAdapterConfig.Body;
import dev.warden.server.adapter.HttpAdapterConfig.Method;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HttpAdapterConfigTest {

  private static final Map<String, String> ENV = Map.of("PAYMENTS_TOKEN", "tok-value-123");

  private static final String EXAMPLE =
      """
      adapters:
        - id: payments-api
          actions: ["payments.*"]
          type: http
          method: POST
          url: "https://pay.example.com/v1/transfers/{resource}"
          headers:
            Authorization: "Bearer {secret:payments_token}"
            Content-Type: application/json
          body: params
          timeout: {connect: 2s, read: 10s}
          max_response_bytes: 1048576
          allow_private: false
      secrets:
        payments_token: {env: PAYMENTS_TOKEN}
      """;

  /** {@link #EXAMPLE}'s adapter with one line of it replaced. */
  private static String example(String line, String replacement) {
    assertThat(EXAMPLE).contains(line);
    return EXAMPLE.replace(line, replacement);
  }

  private static AdapterConfigException refused(String yaml, Map<String, String> env) {
    try {
      Fixtures.load(yaml, env);
    } catch (AdapterConfigException e) {
      assertThat(e.getMessage()).startsWith(e.pointer() + ": ").doesNotContain("tok-value-123");
      return e;
    }
    throw new AssertionError("accepted:\n" + yaml);
  }

  private static AdapterConfigException refused(String yaml) {
    return refused(yaml, ENV);
  }

  @Test
  void load_specExample_readsEveryField() throws Exception {
    Adapters adapters = Fixtures.load(EXAMPLE, ENV);

    HttpAdapterConfig c = (HttpAdapterConfig) adapters.all().getFirst();
    assertThat(c.id()).isEqualTo("payments-api");
    assertThat(c.actions()).extracting(g -> g.pattern()).containsExactly("payments.*");
    assertThat(c.method()).isEqualTo(Method.POST);
    assertThat(c.url().scheme()).isEqualTo("https");
    assertThat(c.url().host()).isEqualTo("pay.example.com");
    assertThat(c.url().port()).isEqualTo(443);
    assertThat(c.headers())
        .extracting(HttpAdapterConfig.Header::name)
        .containsExactly("Authorization", "Content-Type");
    assertThat(c.body()).isEqualTo(Body.PARAMS);
    assertThat(c.timeouts().connect()).isEqualTo(Duration.ofSeconds(2));
    assertThat(c.timeouts().read()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.maxResponseBytes()).isEqualTo(1_048_576);
    assertThat(c.allowPrivate()).isFalse();
    assertThat(adapters.secrets().names()).containsExactly("payments_token");
    assertThat(c.toString()).contains("{secret:payments_token}").doesNotContain("tok-value-123");
  }

  @Test
  void load_onlyRequiredFields_defaults() throws Exception {
    HttpAdapterConfig c =
        Fixtures.http(
            """
            adapters:
              - {id: a, actions: ["x.*"], type: http, method: GET, url: "https://h.example"}
            """,
            Map.of());

    assertThat(c.url().port()).isEqualTo(443);
    assertThat(c.body()).isEqualTo(Body.NONE);
    assertThat(c.headers()).isEmpty();
    assertThat(c.timeouts()).isEqualTo(HttpAdapterConfig.Timeouts.DEFAULT);
    assertThat(c.maxResponseBytes()).isEqualTo(HttpAdapterConfig.DEFAULT_MAX_RESPONSE_BYTES);
    assertThat(c.allowPrivate()).isFalse();
  }

  @Test
  void load_unknownField_refusedWithItsPath() {
    AdapterConfigException top = refused(example("    body: params", "    retries: 3"));
    AdapterConfigException nested =
        refused(example("{connect: 2s, read: 10s}", "{connect: 2s, idle: 10s}"));

    assertThat(top.pointer()).isEqualTo("/adapters/0/retries");
    assertThat(top.reason()).isEqualTo(Reason.SCHEMA);
    assertThat(top.getMessage()).contains("unknown field").contains("max_response_bytes");
    assertThat(nested.pointer()).isEqualTo("/adapters/0/timeout/idle");
  }

  @Test
  void load_templatedSchemeHostOrPort_refused() {
    for (String url :
        new String[] {
          "https://{params.host}/v1",
          "https://pay.example.com:{params.port}/v1",
          "https://pay.example.com{resource}/v1",
          "https://{agent}.pay.example.com/",
          "{params.scheme}://pay.example.com/"
        }) {
      AdapterConfigException e =
          refused(
              example("\"https://pay.example.com/v1/transfers/{resource}\"", "\"" + url + "\""));

      assertThat(e.pointer()).as(url).isEqualTo("/adapters/0/url");
      assertThat(e.reason()).as(url).isEqualTo(Reason.TEMPLATE);
      assertThat(e.getMessage()).as(url).contains("must be literal");
    }
  }

  @Test
  void load_unsafeOrMalformedUrl_refusedWithTheFix() {
    Map<String, String> cases =
        Map.of(
            "https://user:pw@pay.example.com/", "user information",
            "https://pay.example.com/a#frag", "fragment",
            "ftp://pay.example.com/", "https or http",
            "pay.example.com/v1", "absolute URL",
            "https://pay.example.com/{secret:payments_token}", "header values only",
            "https://pay.example.com/{nope}", "unknown placeholder {nope}",
            "https://pay.example.com/a b", "percent-encode",
            "https://pay.example.com/a/../b", "'..'",
            "https://pay.example.com/{resource", "no closing");
    cases.forEach(
        (url, message) -> {
          AdapterConfigException e =
              refused(
                  example(
                      "\"https://pay.example.com/v1/transfers/{resource}\"", "\"" + url + "\""));
          assertThat(e.pointer()).as(url).isEqualTo("/adapters/0/url");
          assertThat(e.getMessage()).as(url).contains(message);
        });
  }

  @Test
  void load_badSecretSource_refusedNamingTheSecret() {
    AdapterConfigException unknownSource =
        refused(example("{env: PAYMENTS_TOKEN}", "{vault: payments}"));
    AdapterConfigException twoSources =
        refused(example("{env: PAYMENTS_TOKEN}", "{env: PAYMENTS_TOKEN, file: /x}"));
    AdapterConfigException relativeFile =
        refused(example("{env: PAYMENTS_TOKEN}", "{file: secrets/token}"));

    assertThat(unknownSource.pointer()).isEqualTo("/secrets/payments_token");
    assertThat(unknownSource.reason()).isEqualTo(Reason.SECRET);
    assertThat(unknownSource.getMessage()).contains("{env: VARIABLE} or {file: /absolute/path}");
    assertThat(twoSources.pointer()).isEqualTo("/secrets/payments_token");
    assertThat(relativeFile.pointer()).isEqualTo("/secrets/payments_token/file");
    assertThat(relativeFile.getMessage()).contains("absolute path");
  }

  @Test
  void load_missingEnvironmentVariable_refusedNamingSecretAndVariable() {
    AdapterConfigException e = refused(EXAMPLE, Map.of());

    assertThat(e.reason()).isEqualTo(Reason.SECRET);
    assertThat(e.pointer()).isEqualTo("/secrets/payments_token/env");
    assertThat(e.getMessage()).contains("PAYMENTS_TOKEN").contains("not set");
  }

  @Test
  void load_undeclaredSecret_refusedAtTheHeader() {
    AdapterConfigException e =
        refused(example("{secret:payments_token}", "{secret:payment_token}"));

    assertThat(e.reason()).isEqualTo(Reason.SECRET);
    assertThat(e.pointer()).isEqualTo("/adapters/0/headers/Authorization");
    assertThat(e.getMessage()).contains("payment_token").contains("secrets:");
  }

  @Test
  void load_secretOverPlainHttpToPublicHost_refused() {
    AdapterConfigException e =
        refused(
            example(
                "\"https://pay.example.com/v1/transfers/{resource}\"",
                "\"http://pay.example.com/v1/transfers/{resource}\""));

    assertThat(e.pointer()).isEqualTo("/adapters/0/url");
    assertThat(e.getMessage()).contains("https");
  }

  @Test
  void load_badValues_refusedWithFieldAndFix() {
    Map<String, String[]> cases =
        Map.of(
            "    method: POST", new String[] {"    method: post", "/adapters/0/method"},
            "    type: http", new String[] {"    type: grpc", "/adapters/0/type"},
            "    body: params", new String[] {"    body: json", "/adapters/0/body"},
            "{connect: 2s, read: 10s}",
                new String[] {"{connect: 2 seconds, read: 10s}", "/adapters/0/timeout/connect"},
            "    max_response_bytes: 1048576",
                new String[] {"    max_response_bytes: -1", "/adapters/0/max_response_bytes"},
            "    allow_private: false",
                new String[] {"    allow_private: \"no\"", "/adapters/0/allow_private"},
            "    Content-Type: application/json",
                new String[] {"    Host: evil.example", "/adapters/0/headers/Host"},
            "- id: payments-api", new String[] {"- id: Payments API", "/adapters/0/id"},
            "[\"payments.*\"]", new String[] {"[]", "/adapters/0/actions"});
    cases.forEach(
        (line, change) -> {
          AdapterConfigException e = refused(example(line, change[0]));
          assertThat(e.pointer()).as(change[0]).isEqualTo(change[1]);
        });
  }

  @Test
  void load_getWithParamsBody_refused() {
    AdapterConfigException e = refused(example("    method: POST", "    method: GET"));

    assertThat(e.pointer()).isEqualTo("/adapters/0/body");
    assertThat(e.getMessage()).contains("GET");
  }

  @Test
  void load_noneTypeWithHttpField_refused() {
    AdapterConfigException e =
        refused(
            """
            adapters:
              - {id: warrant, actions: ["*"], type: none, url: "https://x.example/"}
            """);

    assertThat(e.pointer()).isEqualTo("/adapters/0/url");
  }

  @Test
  void load_duplicateId_refused() {
    AdapterConfigException e =
        refused(
            """
            adapters:
              - {id: a, actions: ["x"], type: none}
              - {id: a, actions: ["y"], type: none}
            """);

    assertThat(e.pointer()).isEqualTo("/adapters/1/id");
  }

  @Test
  void forAction_overlappingGlobs_firstInConfigurationOrderWins() throws Exception {
    Adapters adapters =
        Fixtures.load(
            """
            adapters:
              - {id: refunds, actions: ["payments.refund"], type: none}
              - {id: payments, actions: ["payments.*", "billing.*"], type: none}
              - {id: everything, actions: ["*"], type: none}
            """,
            Map.of());

    assertThat(adapters.forAction("payments.refund").orElseThrow().id()).isEqualTo("refunds");
    assertThat(adapters.forAction("payments.transfer").orElseThrow().id()).isEqualTo("payments");
    assertThat(adapters.forAction("billing.invoice").orElseThrow().id()).isEqualTo("payments");
    assertThat(adapters.forAction("mail.send").orElseThrow().id()).isEqualTo("everything");
    assertThat(adapters.forAction("mail.send").orElseThrow())
        .isInstanceOf(AdapterConfig.None.class);
  }

  @Test
  void forAction_noAdapterMatches_empty() throws Exception {
    Adapters adapters =
        Fixtures.load("adapters:\n  - {id: p, actions: [\"payments.*\"], type: none}\n", Map.of());

    assertThat(adapters.forAction("mail.send")).isEmpty();
    assertThat(Adapters.empty().forAction("payments.transfer")).isEmpty();
    assertThat(Adapters.load(null, null, name -> null).all()).isEmpty();
  }
}
