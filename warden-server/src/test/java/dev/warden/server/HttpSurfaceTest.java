package dev.warden.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** What every client meets before the pipeline: limits, unknown routes, health, TLS. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpSurfaceTest {
  @TempDir static Path tmp;
  TestWarden w;

  @BeforeAll
  void start() throws Exception {
    w = TestWarden.start(tmp);
  }

  @AfterAll
  void stop() {
    w.close();
  }

  private HttpResponse<String> get(String path, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(w.uri(path)).GET();
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return w.http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void hugeHeader_431ProblemDocument() throws Exception {
    RefusalTest.assertProblem(
        get("/v1/decisions/x", "X-Big", "a".repeat(20_000)), 431, "request.headers_too_large");
  }

  @Test
  void tooManyHeaderLines_431NamingTheSetting() throws Exception {
    String[] h = new String[2 * 150];
    for (int i = 0; i < 150; i++) {
      h[2 * i] = "X-H" + i;
      h[2 * i + 1] = "v";
    }
    HttpResponse<String> r = get("/v1/decisions/x", h);
    RefusalTest.assertProblem(r, 431, "request.headers_too_large");
    assertThat(TestWarden.json(r).path("detail").asText()).contains("limits.max_header_count");
  }

  @Test
  void adminBodyTooLarge_413Problem() throws Exception {
    String big = "{\"id\":\"" + "a".repeat(1_100_000) + "\"}";
    RefusalTest.assertProblem(w.admin("POST", "/v1/admin/agents", big), 413, "request.too_large");
  }

  @Test
  void unknownEndpoint_404Problem_wrongMethod_405Problem() throws Exception {
    RefusalTest.assertProblem(get("/v1/nothing"), 404, "request.not_found");
    HttpResponse<String> r =
        w.http.send(
            HttpRequest.newBuilder(w.uri("/v1/decisions"))
                .PUT(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    RefusalTest.assertProblem(r, 405, "request.method_not_allowed");
  }

  @Test
  void health_liveAndReady() throws Exception {
    assertThat(get("/healthz").statusCode()).isEqualTo(200);
    HttpResponse<String> r = get("/readyz");
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode j = TestWarden.json(r);
    assertThat(j.path("checks").path("store").asText()).isEqualTo("ok");
    assertThat(j.path("checks").path("log").asText()).isEqualTo("ok");
  }

  @Test
  void everyResponse_hasCorrelationId_noServerBanner() throws Exception {
    HttpResponse<String> r = get("/healthz");
    assertThat(r.headers().firstValue("X-Correlation-Id"))
        .hasValueSatisfying(v -> assertThat(v).hasSize(24));
    assertThat(r.headers().firstValue("Server")).isEmpty();
  }

  @Test
  void tls_fromPemFiles_servesHttpsOnly() throws Exception {
    Path dir = tmp.resolve("tls");
    DataDir d =
        DataDir.init(dir, "127.0.0.1:0", TestWarden.RANDOM, Clock.systemUTC(), TestKeys.PROTECTION);
    Path cert = dir.resolve("cert.pem");
    Path key = dir.resolve("key.pem");
    Process p =
        new ProcessBuilder(
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-nodes",
                "-keyout",
                key.toString(),
                "-out",
                cert.toString(),
                "-days",
                "1",
                "-subj",
                "/CN=127.0.0.1",
                "-addext",
                "subjectAltName=IP:127.0.0.1")
            .redirectErrorStream(true)
            .start();
    p.getInputStream().readAllBytes();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
    Files.writeString(
        d.config(), Files.readString(d.config()) + "tls:\n  cert: cert.pem\n  key: key.pem\n");
    try (WardenServer s =
        WardenServer.start(
            d, ServerConfig.load(d), Clock.systemUTC(), new SecureRandom(), TestKeys.PROTECTION)) {
      assertThat(s.url()).startsWith("https://127.0.0.1:");
      SSLContext trustAll = SSLContext.getInstance("TLS");
      trustAll.init(null, new TrustManager[] {new TrustAll()}, new SecureRandom());
      HttpClient https = HttpClient.newBuilder().sslContext(trustAll).build();
      HttpResponse<String> r =
          https.send(
              HttpRequest.newBuilder(java.net.URI.create(s.url() + "/healthz")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      String plain = s.url().replace("https://", "http://");
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () ->
                  w.http.send(
                      HttpRequest.newBuilder(java.net.URI.create(plain + "/healthz")).build(),
                      HttpResponse.BodyHandlers.ofString()))
          .isInstanceOf(java.io.IOException.class);
    }
  }

  @Test
  void tls_keyReadableByOthers_refusedAtStart() throws Exception {
    Path dir = tmp.resolve("tls-loose");
    DataDir d =
        DataDir.init(dir, "127.0.0.1:0", TestWarden.RANDOM, Clock.systemUTC(), TestKeys.PROTECTION);
    Files.writeString(dir.resolve("cert.pem"), "x");
    Files.writeString(dir.resolve("key.pem"), "x");
    Files.setPosixFilePermissions(
        dir.resolve("key.pem"), PosixFilePermissions.fromString("rw-r--r--"));
    Files.writeString(
        d.config(), Files.readString(d.config()) + "tls:\n  cert: cert.pem\n  key: key.pem\n");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                WardenServer.start(
                        d,
                        ServerConfig.load(d),
                        Clock.systemUTC(),
                        new SecureRandom(),
                        TestKeys.PROTECTION)
                    .close())
        .isInstanceOf(WardenServer.StartupException.class);
  }

  /** Trusts any certificate: only for the self-signed one this test just made. */
  static final class TrustAll implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
