package dev.warden.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warden.httpsig.SigningKey;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Bad input gets a clear error, and nothing else happens: each refusal has its exact status and
 * code, a request refused before authentication decides nothing and burns no nonce (the same nonce
 * then works), and a refusal after authentication is its own log entry.
 */
class RefusalTest extends OneWardenTest {
  static final String OK_BODY = "{\"action\":\"payments.transfer\",\"resource\":\"acct/ops\"}";

  /** Asserts the problem, then that nothing was decided and the nonce still works. */
  private void assertRefusedBeforeAuth(
      HttpResponse<String> r, int status, String code, String nonce) throws Exception {
    assertProblem(r, status, code);
    long decisions = w.entries("decision").size();
    long refusals = w.entries("refusal").size();
    TestWarden.Req ok = TestWarden.req(OK_BODY);
    ok.nonce = nonce;
    HttpResponse<String> again = w.send(agent.key(), ok);
    assertThat(again.statusCode())
        .as("the same nonce must still be usable: %s", again.body())
        .isEqualTo(200);
    assertThat(w.entries("decision")).hasSize((int) decisions + 1);
    assertThat(w.entries("refusal")).hasSize((int) refusals);
  }

  static void assertProblem(HttpResponse<String> r, int status, String code) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type"))
        .hasValueSatisfying(ct -> assertThat(ct).startsWith("application/problem+json"));
    JsonNode p = TestWarden.json(r);
    assertThat(p.path("code").asText()).isEqualTo(code);
    assertThat(p.path("status").asInt()).isEqualTo(status);
    assertThat(p.path("correlation_id").asText()).isNotEmpty();
    assertThat(p.path("detail").asText()).isNotEmpty();
    assertThat(r.body()).doesNotContain("Exception").doesNotContain("\tat ");
  }

  @Test
  void decide_missingSignatureInput_401MissingSignature() throws Exception {
    HttpResponse<String> r = w.sendUnsigned(OK_BODY);
    assertProblem(r, 401, "auth.missing_signature");
  }

  @Test
  void decide_garbledSignatureInput_400Malformed() throws Exception {
    TestWarden.Req req = TestWarden.req(OK_BODY);
    HttpRequest signed = w.signed(agent.key(), req).build();
    HttpRequest.Builder b =
        HttpRequest.newBuilder(signed.uri()).POST(HttpRequest.BodyPublishers.ofString(OK_BODY));
    signed
        .headers()
        .map()
        .forEach(
            (k, vs) ->
                vs.forEach(
                    v ->
                        b.header(
                            k,
                            k.equalsIgnoreCase("signature-input")
                                ? "sig1=(\"@method\" \"@target-uri\";created=oops"
                                : v)));
    assertRefusedBeforeAuth(
        w.http.send(b.build(), HttpResponse.BodyHandlers.ofString()),
        400,
        "auth.malformed_signature",
        req.nonce);
  }

  @Test
  void decide_wrongKey_401BadSignature() throws Exception {
    byte[] seed = new byte[32];
    TestWarden.RANDOM.nextBytes(seed);
    TestWarden.Req req = TestWarden.req(OK_BODY);
    assertRefusedBeforeAuth(
        w.send(SigningKey.ed25519("agent-1", seed), req), 401, "auth.bad_signature", req.nonce);
  }

  @Test
  void decide_unknownAgent_401UnknownKey() throws Exception {
    byte[] seed = new byte[32];
    TestWarden.RANDOM.nextBytes(seed);
    TestWarden.Req req = TestWarden.req(OK_BODY);
    assertRefusedBeforeAuth(
        w.send(SigningKey.ed25519("nobody-here", seed), req), 401, "auth.unknown_key", req.nonce);
  }

  @Test
  void decide_keyIdPathTraversal_400Malformed() throws Exception {
    TestWarden.Req req = TestWarden.req(OK_BODY);
    assertRefusedBeforeAuth(
        w.send(SigningKey.ed25519("../../etc/passwd", agent.seed()), req),
        400,
        "auth.malformed_signature",
        req.nonce);
  }

  @Test
  void decide_staleCreated_401Expired() throws Exception {
    TestWarden.Req req = TestWarden.req(OK_BODY);
    req.created -= 301;
    String nonce = req.nonce;
    assertRefusedBeforeAuth(w.send(agent.key(), req), 401, "auth.signature_expired", nonce);
  }

  @Test
  void decide_futureCreated_401NotYetValid() throws Exception {
    TestWarden.Req req = TestWarden.req(OK_BODY);
    req.created += 60;
    assertRefusedBeforeAuth(
        w.send(agent.key(), req), 401, "auth.signature_not_yet_valid", req.nonce);
  }

  @Test
  void decide_expiresPassed_401Expired() throws Exception {
    TestWarden.Req req = TestWarden.req(OK_BODY);
    req.created -= 10;
    req.expires = req.created + 5;
    assertRefusedBeforeAuth(w.send(agent.key(), req), 401, "auth.signature_expired", req.nonce);
  }

  @Test
  void decide_oversizedBody_413() throws Exception {
    String big = "{\"action\":\"a.b\",\"resource\":\"" + "x".repeat(1024 * 1024) + "\"}";
    TestWarden.Req req = TestWarden.req(big);
    assertRefusedBeforeAuth(w.send(agent.key(), req), 413, "request.too_large", req.nonce);
  }

  @Test
  void decide_headerInjectionViaLf_neverAccepted() throws Exception {
    // A bare LF ends a header line in HTTP/1.1 parsers; what follows is a new, unsigned header.
    String resp =
        raw(
            "POST /v1/decisions HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Test: a\nInjected: b\r\nContent-Length: 2\r\n\r\n{}");
    assertThat(resp).startsWith("HTTP/1.1 4");
    assertThat(resp).contains("application/problem+json");
  }

  private String raw(String request) throws Exception {
    try (Socket s = new Socket("127.0.0.1", w.server().port())) {
      s.setSoTimeout(5_000);
      OutputStream out = s.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = s.getInputStream();
      byte[] buf = new byte[8192];
      int n = in.read(buf);
      return n <= 0 ? "" : new String(buf, 0, n, StandardCharsets.ISO_8859_1);
    }
  }

  // ---- refused after authentication: one log entry each --------------------------------------

  private JsonNode assertRefusedAndLogged(HttpResponse<String> r, int status, String code)
      throws Exception {
    assertProblem(r, status, code);
    String id = TestWarden.json(r).path("decision_id").asText();
    assertThat(id).as("an authenticated refusal names its log entry").isNotEmpty();
    JsonNode entry =
        w.entries("refusal").stream()
            .filter(e -> e.path("decision_id").asText().equals(id))
            .findFirst()
            .orElseThrow();
    assertThat(entry.path("agent").asText()).isEqualTo(agent.id());
    assertThat(entry.path("reasons").path(0).path("code").asText()).isEqualTo(code);
    return entry;
  }

  @Test
  void decide_digestMismatch_400AndLogged() throws Exception {
    TestWarden.Req req = TestWarden.req(OK_BODY);
    req.sendBody = OK_BODY.replace("ops", "opz").getBytes(StandardCharsets.UTF_8);
    assertRefusedAndLogged(w.send(agent.key(), req), 400, "request.digest_mismatch");
  }

  @Test
  void decide_deepNesting_400Invalid() throws Exception {
    String deep =
        "{\"action\":\"a.b\",\"resource\":\"r\",\"params\":"
            + "{\"a\":".repeat(40)
            + "1"
            + "}".repeat(40)
            + "}";
    assertRefusedAndLogged(w.send(agent.key(), TestWarden.req(deep)), 400, "request.invalid");
  }

  @Test
  void decide_duplicateKeys_400Invalid() throws Exception {
    String dup = "{\"action\":\"a.b\",\"action\":\"payments.transfer\",\"resource\":\"r\"}";
    assertRefusedAndLogged(w.send(agent.key(), TestWarden.req(dup)), 400, "request.invalid");
  }

  @Test
  void decide_invalidUtf8_400Invalid() throws Exception {
    TestWarden.Req req = TestWarden.req(OK_BODY);
    byte[] b = "{\"action\":\"a.b\",\"resource\":\"xx\"}".getBytes(StandardCharsets.UTF_8);
    b[b.length - 4] = (byte) 0xC3; // a lead byte followed by an ASCII quote: invalid UTF-8
    req.body = b;
    assertRefusedAndLogged(w.send(agent.key(), req), 400, "request.invalid");
  }

  @Test
  void decide_nan_400Invalid() throws Exception {
    String nan = "{\"action\":\"a.b\",\"resource\":\"r\",\"params\":{\"x\":NaN}}";
    assertRefusedAndLogged(w.send(agent.key(), TestWarden.req(nan)), 400, "request.invalid");
  }

  @Test
  void decide_missingAction_400WithPointer() throws Exception {
    HttpResponse<String> r = w.send(agent.key(), TestWarden.req("{\"resource\":\"r\"}"));
    assertRefusedAndLogged(r, 400, "request.invalid");
    assertThat(TestWarden.json(r).path("pointer").asText()).isEqualTo("/action");
  }

  @Test
  void decide_floatAmount_400WithPointer() throws Exception {
    HttpResponse<String> r =
        w.send(
            agent.key(),
            TestWarden.req(
                "{\"action\":\"a.b\",\"resource\":\"r\",\"amount\":{\"value\":12.5,\"currency\":\"USD\"}}"));
    assertRefusedAndLogged(r, 400, "request.invalid");
    assertThat(TestWarden.json(r).path("pointer").asText()).isEqualTo("/amount/value");
  }

  @Test
  void decide_reusedNonce_409AndLogged() throws Exception {
    TestWarden.Req req = TestWarden.req(OK_BODY);
    assertThat(w.send(agent.key(), req).statusCode()).isEqualTo(200);
    TestWarden.Req again = TestWarden.req(OK_BODY);
    again.nonce = req.nonce;
    assertRefusedAndLogged(w.send(agent.key(), again), 409, "replay.nonce_reused");
  }

  @Test
  void decide_wrongContentType_415AndLogged() throws Exception {
    TestWarden.Req req = TestWarden.req(OK_BODY);
    req.headers.put("Content-Type", "text/plain");
    assertRefusedAndLogged(w.send(agent.key(), req), 415, "request.unsupported_media_type");
  }
}
