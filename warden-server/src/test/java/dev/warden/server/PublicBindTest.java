package dev.warden.server;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SPEC §15: a non-loopback address needs --allow-public-bind and TLS (here or at a proxy said
 * explicitly), and hosts; the message says exactly that.
 */
class PublicBindTest {
  @TempDir Path tmp;
  private int dirs;

  private ServerConfig cfg(String extra, ServerConfig.Flags flags) throws Exception {
    DataDir d =
        DataDir.init(
            tmp.resolve("d" + dirs++),
            "127.0.0.1:0",
            new SecureRandom(),
            Clock.systemUTC(),
            TestKeys.PROTECTION);
    Files.writeString(d.config(), Files.readString(d.config()) + extra);
    return ServerConfig.load(d).withListen("0.0.0.0:8421").withFlags(flags);
  }

  @Test
  void loopback_alwaysAllowed() throws Exception {
    assertThatCode(() -> cfg("", ServerConfig.Flags.NONE).withListen("127.0.0.1:0").checkBind())
        .doesNotThrowAnyException();
  }

  @Test
  void publicAddress_noFlags_refusedNamingBothWays() throws Exception {
    assertThatThrownBy(() -> cfg("", ServerConfig.Flags.NONE).checkBind())
        .isInstanceOf(IOException.class)
        .hasMessageContaining("--allow-public-bind")
        .hasMessageContaining("tls.cert and tls.key")
        .hasMessageContaining("--behind-tls-proxy");
  }

  @Test
  void publicAddress_allowButNoTls_refused() throws Exception {
    assertThatThrownBy(
            () ->
                cfg("hosts: [\"w.example\"]\n", new ServerConfig.Flags(true, false, false))
                    .checkBind())
        .isInstanceOf(IOException.class)
        .hasMessageContaining("configure TLS");
  }

  @Test
  void publicAddress_tlsButNoAllow_refused() throws Exception {
    assertThatThrownBy(
            () ->
                cfg(
                        "hosts: [\"w.example\"]\ntls:\n  cert: c.pem\n  key: k.pem\n",
                        ServerConfig.Flags.NONE)
                    .checkBind())
        .isInstanceOf(IOException.class)
        .hasMessageContaining("--allow-public-bind");
  }

  @Test
  void publicAddress_allowAndTlsOrProxy_withHosts_accepted() throws Exception {
    assertThatCode(
            () ->
                cfg(
                        "hosts: [\"w.example\"]\ntls:\n  cert: c.pem\n  key: k.pem\n",
                        new ServerConfig.Flags(true, false, false))
                    .checkBind())
        .doesNotThrowAnyException();
    assertThatCode(
            () ->
                cfg("hosts: [\"w.example\"]\n", new ServerConfig.Flags(true, true, false))
                    .checkBind())
        .doesNotThrowAnyException();
  }

  @Test
  void publicAddress_allowAndTls_withoutHosts_refused() throws Exception {
    assertThatThrownBy(
            () ->
                cfg(
                        "tls:\n  cert: c.pem\n  key: k.pem\n",
                        new ServerConfig.Flags(true, false, false))
                    .checkBind())
        .isInstanceOf(IOException.class)
        .hasMessageContaining("hosts");
  }

  @Test
  void publicAddress_insecureNoOperatorAuth_refusedEvenWithAllow() throws Exception {
    assertThatThrownBy(
            () ->
                cfg("hosts: [\"w.example\"]\n", new ServerConfig.Flags(true, true, true))
                    .checkBind())
        .isInstanceOf(IOException.class)
        .hasMessageContaining("operator authentication disabled");
  }
}
