package dev.warden.server.adapter;

import static dev.warden.server.adapter.Fixtures.context;
import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.server.adapter.Outcome.Completed;
import dev.warden.server.adapter.Outcome.Failed;
import dev.warden.server.adapter.Outcome.Reason;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * https upstreams: the adapter connects to the address it checked and still speaks TLS to the
 * configured name. Certificates come from the JDK's keytool.
 */
class HttpAdapterTlsTest {

  private static final char[] PASSWORD = "changeit".toCharArray();
  private static final String SECRET = "tls-secret-5b1e";

  @TempDir static Path dir;

  private static KeyStore upstreamTest;
  private static KeyStore otherName;

  @BeforeAll
  static void certificates() throws Exception {
    upstreamTest = keytool("upstream", "dns:upstream.test");
    otherName = keytool("other", "dns:other.example");
  }

  /** A self-signed EC certificate with {@code san}, made by keytool, in a PKCS#12 key store. */
  private static KeyStore keytool(String name, String san) throws Exception {
    Path store = dir.resolve(name + ".p12");
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    Process p =
        new ProcessBuilder(
                keytool.toString(),
                "-genkeypair",
                "-alias",
                name,
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=" + name,
                "-ext",
                "SAN=" + san,
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                store.toString(),
                "-storepass",
                new String(PASSWORD))
            .redirectErrorStream(true)
            .start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(output).isZero();
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      ks.load(in, PASSWORD);
    }
    return ks;
  }

  private static SSLContext serverContext(KeyStore keys) throws Exception {
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, PASSWORD);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), null, null);
    return ctx;
  }

  /** Trusts exactly the certificates of {@code stores}. */
  private static SSLContext trusting(KeyStore... stores) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    for (KeyStore ks : stores) {
      String alias = ks.aliases().nextElement();
      trust.setCertificateEntry(alias, ks.getCertificate(alias));
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }

  private static HttpAdapterConfig config(String host, int port) {
    return Fixtures.http(
        """
        adapters:
          - id: tls
            actions: ["*"]
            type: http
            method: POST
            url: "https://%s:%d/v1/{resource}"
            headers:
              Authorization: "Bearer {secret:token}"
            body: params
            allow_private: true
        secrets:
          token: {env: TOKEN}
        """
            .formatted(host, port),
        Map.of("TOKEN", SECRET));
  }

  /** Resolves every name to 127.0.0.1, as a DNS answer for the name would. */
  private static HostResolver toLoopback() {
    return host -> List.of(InetAddress.getByAddress(host, new byte[] {127, 0, 0, 1}));
  }

  @Test
  void execute_httpsToName_tlsUsesTheConfiguredNameOverThePinnedAddress() throws Exception {
    byte[] answer = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
    try (Upstream up = Upstream.https(serverContext(upstreamTest), Upstream.fixed(200, answer))) {
      HttpAdapter adapter =
          HttpAdapter.create(
              config("upstream.test", up.port()), toLoopback(), trusting(upstreamTest));

      Outcome out = adapter.execute(context("r1", "{\"a\":1}"));

      assertThat(out).isInstanceOf(Completed.class);
      assertThat(((Completed) out).body()).isEqualTo(answer);
      Upstream.Received r = up.received().getFirst();
      assertThat(r.serverNames()).containsExactly(new SNIHostName("upstream.test"));
      assertThat(r.header("Host")).isEqualTo("upstream.test:" + up.port());
      assertThat(r.header("Authorization")).isEqualTo("Bearer " + SECRET);
      assertThat(r.rawPath()).isEqualTo("/v1/r1");
    }
  }

  @Test
  void execute_certificateForAnotherName_connectFailedAndNoRequestSent() throws Exception {
    try (Upstream up = Upstream.https(serverContext(otherName), Upstream.fixed(200, new byte[0]))) {
      // The certificate is trusted as an anchor; only its name is wrong.
      HttpAdapter adapter =
          HttpAdapter.create(config("upstream.test", up.port()), toLoopback(), trusting(otherName));

      Outcome out = adapter.execute(context("r1", "{}"));

      assertThat(out).isInstanceOf(Failed.class);
      Failed f = (Failed) out;
      assertThat(f.reason()).isEqualTo(Reason.CONNECT_FAILED);
      assertThat(f.detail()).contains("TLS").doesNotContain(SECRET);
      assertThat(up.received()).isEmpty();
    }
  }

  @Test
  void execute_untrustedCertificate_connectFailed() throws Exception {
    try (Upstream up =
        Upstream.https(serverContext(upstreamTest), Upstream.fixed(200, new byte[0]))) {
      HttpAdapter adapter =
          HttpAdapter.create(config("upstream.test", up.port()), toLoopback(), trusting(otherName));

      Outcome out = adapter.execute(context("r1", "{}"));

      assertThat(((Failed) out).reason()).isEqualTo(Reason.CONNECT_FAILED);
      assertThat(up.received()).isEmpty();
    }
  }
}
