package dev.warden.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.warden.server.DataDir;
import dev.warden.server.ServerConfig;
import dev.warden.server.TestKeys;
import dev.warden.server.WardenServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * TLS from PEM files made by openssl: reload while running, mTLS with certificates mapped to
 * operators, plain HTTP refused on the TLS port.
 */
class TlsTest {
  @TempDir Path tmp;

  private static final ObjectMapper JSON = new ObjectMapper();

  private DataDir dataDir(String tls) throws Exception {
    DataDir d =
        DataDir.init(
            tmp.resolve("data"),
            "127.0.0.1:0",
            new SecureRandom(),
            Clock.systemUTC(),
            TestKeys.PROTECTION);
    Files.writeString(d.config(), Files.readString(d.config()) + tls);
    return d;
  }

  private static WardenServer start(DataDir d) throws Exception {
    return WardenServer.start(
        d, ServerConfig.load(d), Clock.systemUTC(), new SecureRandom(), TestKeys.PROTECTION);
  }

  /** The certificate a new handshake presents. */
  private static X509Certificate served(WardenServer s) throws Exception {
    try (SSLSocket socket =
        (SSLSocket)
            TestCerts.context(null).getSocketFactory().createSocket("127.0.0.1", s.port())) {
      socket.startHandshake();
      return (X509Certificate) socket.getSession().getPeerCertificates()[0];
    }
  }

  private static String cn(X509Certificate c) {
    return c.getSubjectX500Principal().getName();
  }

  private static HttpResponse<String> get(
      WardenServer s, SSLContext ctx, String path, @Nullable String token) throws Exception {
    HttpClient c =
        HttpClient.newBuilder().sslContext(ctx).version(HttpClient.Version.HTTP_1_1).build();
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(s.url() + path));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return c.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void reload_changedFiles_newHandshakesSeeNewCertificate_openConnectionKept_brokenFileIgnored()
      throws Exception {
    Path certs = Files.createDirectories(tmp.resolve("certs"));
    TestCerts.Pem a = TestCerts.server(certs, "first");
    TestCerts.Pem b = TestCerts.server(certs, "second");
    DataDir d = dataDir("tls:\n  cert: tls.pem\n  key: tls.key\n");
    Files.copy(a.cert(), d.root().resolve("tls.pem"));
    Files.copy(a.key(), d.root().resolve("tls.key"));
    Logger reloader = (Logger) LoggerFactory.getLogger(TlsReloader.class);
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    reloader.addAppender(logs);
    try (WardenServer s = start(d)) {
      assertThat(cn(served(s))).isEqualTo("CN=first");
      assertThat(s.url()).startsWith("https://");
      // A connection opened before the reload, kept open across it.
      try (SSLSocket open =
          (SSLSocket)
              TestCerts.context(null).getSocketFactory().createSocket("127.0.0.1", s.port())) {
        open.startHandshake();

        // Key first, then certificate: in between, the files do not match and are not used.
        Files.copy(b.key(), d.root().resolve("tls.key"), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(b.cert(), d.root().resolve("tls.pem"), StandardCopyOption.REPLACE_EXISTING);
        assertThat(awaitServed(s, "CN=second"))
            .as("new handshakes see the new certificate")
            .isTrue();

        OutputStream out = open.getOutputStream();
        out.write(
            "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String answer = new String(open.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertThat(answer).as("the old connection still works").startsWith("HTTP/1.1 200");
      }

      // A broken certificate file: the current certificate stays, an error is logged.
      Files.writeString(d.root().resolve("tls.pem"), "-----BEGIN CERTIFICATE-----\nbroken\n");
      long deadline = System.nanoTime() + 15_000_000_000L;
      while (logs.list.stream()
              .noneMatch(e -> e.getFormattedMessage().contains("keeping the current certificate"))
          && System.nanoTime() < deadline) {
        Thread.sleep(200);
      }
      assertThat(logs.list)
          .anySatisfy(
              e -> {
                assertThat(e.getLevel().toString()).isEqualTo("ERROR");
                assertThat(e.getFormattedMessage()).contains("keeping the current certificate");
              });
      assertThat(cn(served(s))).isEqualTo("CN=second");

      // SIGHUP's path: a forced reload of good files.
      Files.copy(a.cert(), d.root().resolve("tls.pem"), StandardCopyOption.REPLACE_EXISTING);
      Files.copy(a.key(), d.root().resolve("tls.key"), StandardCopyOption.REPLACE_EXISTING);
      TlsReloader.reloadAll();
      assertThat(cn(served(s))).isEqualTo("CN=first");
    } finally {
      reloader.detachAppender(logs);
    }
  }

  private static boolean awaitServed(WardenServer s, String cn) throws Exception {
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (System.nanoTime() < deadline) {
      if (cn(served(s)).equals(cn)) {
        return true;
      }
      Thread.sleep(200);
    }
    return false;
  }

  @Test
  void plainHttpToTlsPort_refused() throws Exception {
    Path certs = Files.createDirectories(tmp.resolve("certs"));
    TestCerts.Pem a = TestCerts.server(certs, "server");
    DataDir d = dataDir("tls:\n  cert: " + a.cert() + "\n  key: " + a.key() + "\n");
    try (WardenServer s = start(d);
        Socket raw = new Socket("127.0.0.1", s.port())) {
      raw.setSoTimeout(10_000);
      raw.getOutputStream()
          .write(
              "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                  .getBytes(StandardCharsets.US_ASCII));
      InputStream in = raw.getInputStream();
      byte[] answer;
      try {
        answer = in.readAllBytes();
      } catch (IOException e) {
        answer = new byte[0]; // reset: refused all the same
      }
      assertThat(new String(answer, StandardCharsets.ISO_8859_1)).doesNotContain("HTTP/1.1");
    }
  }

  private record Mtls(
      WardenServer server, TestCerts.Pem alice, TestCerts.Pem bob, TestCerts.Pem mallory) {}

  private Mtls mtls(String mode) throws Exception {
    Path certs = Files.createDirectories(tmp.resolve("certs"));
    TestCerts.Pem server = TestCerts.server(certs, "server");
    TestCerts.Pem ca = TestCerts.ca(certs, "clients-ca");
    TestCerts.Pem other = TestCerts.ca(certs, "other-ca");
    TestCerts.Pem alice = TestCerts.client(certs, "alice", ca);
    TestCerts.Pem bob = TestCerts.client(certs, "bob", ca);
    TestCerts.Pem mallory = TestCerts.client(certs, "mallory", other);
    DataDir d =
        dataDir(
            """
            tls:
              cert: %s
              key: %s
              client_ca: %s
              client_auth: %s
              clients:
                - sha256: "%s"
                  operator: alice
                  scopes: [metrics]
            """
                .formatted(
                    server.cert(),
                    server.key(),
                    ca.cert(),
                    mode,
                    TestCerts.opensslFingerprint(alice.cert())));
    return new Mtls(start(d), alice, bob, mallory);
  }

  @Test
  void mtlsNeed_mappedCertificateAuthorizesItsScopes_unmappedAndUnknownAndNoneRefused()
      throws Exception {
    Mtls m = mtls("need");
    try (WardenServer s = m.server()) {
      SSLContext alice = TestCerts.context(m.alice());
      HttpResponse<String> metrics = get(s, alice, "/metrics", null);
      assertThat(metrics.statusCode()).as(metrics.body()).isEqualTo(200);
      assertThat(metrics.headers().firstValue("Strict-Transport-Security")).isPresent();
      HttpResponse<String> admin = get(s, alice, "/v1/admin/agents", null);
      assertThat(admin.statusCode()).isEqualTo(403);
      assertThat(JSON.readTree(admin.body()).path("code").asText())
          .isEqualTo("auth.insufficient_scope");
      // A bearer token, when sent, decides: the admin token works over alice's connection.
      assertThat(get(s, alice, "/v1/admin/agents", s.dataDir().loadAdminToken()).statusCode())
          .isEqualTo(200);

      // Issued by the client CA but not mapped: the connection is let in, the certificate
      // authorizes nothing.
      HttpResponse<String> bob = get(s, TestCerts.context(m.bob()), "/metrics", null);
      assertThat(bob.statusCode()).isEqualTo(401);
      assertThat(JSON.readTree(bob.body()).path("code").asText()).isEqualTo("auth.missing_token");

      // Another CA, or no certificate at all: the handshake fails.
      assertThatThrownBy(() -> get(s, TestCerts.context(m.mallory()), "/healthz", null))
          .isInstanceOf(IOException.class);
      assertThatThrownBy(() -> get(s, TestCerts.context(null), "/healthz", null))
          .isInstanceOf(IOException.class);
    }
  }

  @Test
  void mtlsWant_noCertificate_connectsButNeedsAToken() throws Exception {
    Mtls m = mtls("want");
    try (WardenServer s = m.server()) {
      SSLContext none = TestCerts.context(null);
      assertThat(get(s, none, "/healthz", null).statusCode()).isEqualTo(200);
      assertThat(get(s, none, "/metrics", null).statusCode()).isEqualTo(401);
      assertThat(get(s, TestCerts.context(m.alice()), "/metrics", null).statusCode())
          .isEqualTo(200);
    }
  }

  @Test
  void clientsWithoutClientAuth_refusedAtLoad() throws Exception {
    DataDir d =
        dataDir(
            "tls:\n  cert: c.pem\n  key: k.pem\n  clients:\n    - sha256: \"00\"\n      operator: x\n      scopes: [metrics]\n");
    assertThatThrownBy(() -> ServerConfig.load(d))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("client_auth");
  }

  @Test
  void badFingerprintOrScope_refusedAtLoad() throws Exception {
    DataDir d =
        dataDir(
            "tls:\n  cert: c.pem\n  key: k.pem\n  client_ca: ca.pem\n  client_auth: need\n  clients:\n    - sha256: \"abc\"\n      operator: x\n      scopes: [metrics]\n");
    assertThatThrownBy(() -> ServerConfig.load(d))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("SHA-256 fingerprint");
  }

  @Test
  void agentBoundToCertificate_onlyWithItAndItCarriesNoOtherAgent() throws Exception {
    Path certs = Files.createDirectories(tmp.resolve("certs"));
    TestCerts.Pem server = TestCerts.server(certs, "server");
    TestCerts.Pem ca = TestCerts.ca(certs, "clients-ca");
    TestCerts.Pem carol = TestCerts.client(certs, "carol", ca);
    DataDir d =
        dataDir(
            """
            tls:
              cert: %s
              key: %s
              client_ca: %s
              client_auth: want
              clients:
                - sha256: "%s"
                  agent: agent-1
            """
                .formatted(
                    server.cert(),
                    server.key(),
                    ca.cert(),
                    TestCerts.opensslFingerprint(carol.cert())));
    try (WardenServer s = start(d)) {
      SSLContext none = TestCerts.context(null);
      SSLContext withCarol = TestCerts.context(carol);
      dev.warden.httpsig.SigningKey one = agent(s, none, "agent-1");
      dev.warden.httpsig.SigningKey two = agent(s, none, "agent-2");

      assertThat(decide(s, withCarol, one).statusCode()).isEqualTo(200);
      HttpResponse<String> withoutCert = decide(s, none, one);
      assertThat(withoutCert.statusCode()).as(withoutCert.body()).isEqualTo(403);
      assertThat(JSON.readTree(withoutCert.body()).path("code").asText())
          .isEqualTo("auth.certificate_mismatch");
      HttpResponse<String> otherAgent = decide(s, withCarol, two);
      assertThat(otherAgent.statusCode()).isEqualTo(403);
      assertThat(JSON.readTree(otherAgent.body()).path("code").asText())
          .isEqualTo("auth.certificate_mismatch");
      assertThat(decide(s, none, two).statusCode()).as("an unbound agent").isEqualTo(200);
    }
  }

  private static dev.warden.httpsig.SigningKey agent(WardenServer s, SSLContext ctx, String id)
      throws Exception {
    byte[] seed = new byte[32];
    new SecureRandom().nextBytes(seed);
    dev.warden.httpsig.SigningKey key = dev.warden.httpsig.SigningKey.ed25519(id, seed);
    String pub = java.util.Base64.getEncoder().encodeToString(key.publicKey().orElseThrow());
    HttpClient c =
        HttpClient.newBuilder().sslContext(ctx).version(HttpClient.Version.HTTP_1_1).build();
    HttpResponse<String> r =
        c.send(
            HttpRequest.newBuilder(URI.create(s.url() + "/v1/admin/agents"))
                .header("Authorization", "Bearer " + s.dataDir().loadAdminToken())
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"id\":\""
                            + id
                            + "\",\"tenant\":\"acme\",\"keys\":[{\"alg\":\"ed25519\",\"public_key\":\""
                            + pub
                            + "\"}]}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return key;
  }

  private static HttpResponse<String> decide(
      WardenServer s, SSLContext ctx, dev.warden.httpsig.SigningKey key) throws Exception {
    byte[] body =
        "{\"action\":\"payments.transfer\",\"resource\":\"acct/ops\",\"amount\":{\"value\":\"1.00\",\"currency\":\"USD\"}}"
            .getBytes(StandardCharsets.UTF_8);
    URI target = URI.create(s.url() + "/v1/decisions");
    java.util.Map<String, String> headers = new java.util.LinkedHashMap<>();
    headers.put("Content-Type", "application/json");
    byte[] nonce = new byte[16];
    new SecureRandom().nextBytes(nonce);
    java.util.Map<String, String> added =
        dev.warden.httpsig.MessageSigner.of(key)
            .sign(
                "POST",
                target,
                headers,
                body,
                System.currentTimeMillis() / 1000,
                null,
                java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(nonce));
    HttpRequest.Builder b = HttpRequest.newBuilder(target);
    headers.forEach(b::header);
    added.forEach(b::header);
    HttpClient c =
        HttpClient.newBuilder().sslContext(ctx).version(HttpClient.Version.HTTP_1_1).build();
    return c.send(
        b.POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
