package dev.warden.server.adapter;

import static dev.warden.server.adapter.Fixtures.context;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.server.adapter.Outcome.Failed;
import dev.warden.server.adapter.Outcome.Reason;
import dev.warden.server.adapter.SsrfGuard.Kind;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SsrfGuardTest {

  private static HttpAdapterConfig config(String url, boolean allowPrivate) {
    return Fixtures.http(
        """
        adapters:
          - id: guarded
            actions: ["*"]
            type: http
            method: GET
            url: "%s"
            timeout: {connect: 1s, read: 1s}
            allow_private: %s
        """
            .formatted(url, allowPrivate),
        Map.of());
  }

  private static Failed refused(Outcome out) {
    assertThat(out).isInstanceOf(Failed.class);
    Failed f = (Failed) out;
    assertThat(f.reason()).as(f.detail()).isEqualTo(Reason.DESTINATION_REFUSED);
    return f;
  }

  @ParameterizedTest
  @CsvSource({
    "8.8.8.8, PUBLIC",
    "172.15.255.255, PUBLIC",
    "172.32.0.1, PUBLIC",
    "100.63.255.255, PUBLIC",
    "100.128.0.1, PUBLIC",
    "127.0.0.1, LOOPBACK",
    "127.255.255.254, LOOPBACK",
    "10.0.0.1, PRIVATE",
    "172.16.0.1, PRIVATE",
    "172.31.255.255, PRIVATE",
    "192.168.1.1, PRIVATE",
    "169.254.169.254, LINK_LOCAL",
    "100.64.0.1, SHARED",
    "100.127.255.255, SHARED",
    "0.0.0.0, UNSPECIFIED",
    "0.1.2.3, UNSPECIFIED",
    "224.0.0.1, MULTICAST",
    "239.255.255.250, MULTICAST",
    "240.0.0.1, RESERVED",
    "255.255.255.255, RESERVED",
    "2606:4700:4700::1111, PUBLIC",
    "::1, LOOPBACK",
    "::, UNSPECIFIED",
    "fe80::1, LINK_LOCAL",
    "febf::1, LINK_LOCAL",
    "fc00::1, PRIVATE",
    "fd12:3456::1, PRIVATE",
    "fec0::1, PRIVATE",
    "ff02::1, MULTICAST",
    "64:ff9b::a00:1, PRIVATE",
    "64:ff9b::808:808, PUBLIC",
    "64:ff9b:1::1, PRIVATE",
    "2002:a9fe:a9fe::1, LINK_LOCAL",
    "2002:808:808::1, PUBLIC",
    "::a00:1, PRIVATE",
  })
  void classify_address_kind(String address, Kind expected) throws Exception {
    assertThat(SsrfGuard.classify(InetAddress.getByName(address))).isEqualTo(expected);
  }

  @Test
  void classify_ipv4MappedIpv6KeptAsIpv6_judgedByTheIpv4Address() throws Exception {
    for (String v4 : new String[] {"7f000001", "0a000001", "a9fea9fe"}) {
      byte[] mapped = HexFormat.of().parseHex("00000000000000000000ffff" + v4);
      Inet6Address a = Inet6Address.getByAddress(null, mapped, null);

      assertThat(SsrfGuard.classify(a)).as(v4).isNotEqualTo(Kind.PUBLIC);
    }
    assertThat(SsrfGuard.classify(InetAddress.getByName("::ffff:169.254.169.254")))
        .isEqualTo(Kind.LINK_LOCAL);
  }

  @Test
  void check_onePrivateAmongPublicAddresses_refusedNamingIt() throws Exception {
    List<InetAddress> addresses =
        List.of(InetAddress.getByName("93.184.215.14"), InetAddress.getByName("10.1.2.3"));

    assertThatThrownBy(() -> SsrfGuard.check("mixed.example", addresses, false))
        .isInstanceOfSatisfying(
            AdapterFailure.class,
            f -> {
              assertThat(f.reason()).isEqualTo(Reason.DESTINATION_REFUSED);
              assertThat(f.getMessage()).contains("mixed.example").contains("10.1.2.3");
            });
    assertThatCode(() -> SsrfGuard.check("mixed.example", addresses, true))
        .doesNotThrowAnyException();
  }

  @Test
  void check_allowPrivate_stillRefusesUnspecifiedMulticastAndBroadcast() throws Exception {
    for (String a : new String[] {"0.0.0.0", "224.0.0.1", "255.255.255.255", "::", "ff02::1"}) {
      assertThatThrownBy(() -> SsrfGuard.check("h", List.of(InetAddress.getByName(a)), true))
          .as(a)
          .isInstanceOf(AdapterFailure.class);
    }
  }

  @Test
  void execute_loopbackLiteralWithAllowPrivateFalse_refusedAndUpstreamGetsNothing()
      throws Exception {
    try (Upstream up = Upstream.http(Upstream.fixed(200, new byte[0]))) {
      Failed ipv4 =
          refused(
              HttpAdapter.create(config("http://127.0.0.1:" + up.port() + "/x", false))
                  .execute(context("r", "{}")));
      Failed name =
          refused(
              HttpAdapter.create(config("http://localhost:" + up.port() + "/x", false))
                  .execute(context("r", "{}")));

      assertThat(ipv4.detail())
          .contains("127.0.0.1")
          .contains("loopback")
          .contains("allow_private");
      assertThat(name.detail()).contains("localhost");
      assertThat(up.received()).isEmpty();
    }
  }

  @Test
  void execute_metadataPrivateAndIpv6LoopbackDestinations_refused() {
    for (String url :
        new String[] {
          "http://169.254.169.254/latest/meta-data/",
          "http://10.0.0.1/admin",
          "http://[::1]:8080/",
          "http://[::ffff:127.0.0.1]/",
          "https://100.64.0.1/"
        }) {
      Failed f = refused(HttpAdapter.create(config(url, false)).execute(context("r", "{}")));
      assertThat(f.detail()).as(url).contains("resolves to");
    }
  }

  @Test
  void execute_nameResolvingToMetadataAddress_refusedBeforeConnecting() throws Exception {
    HttpAdapter adapter =
        HttpAdapter.create(
            config("http://rebind.example/", false),
            host ->
                List.of(
                    InetAddress.getByAddress(
                        host, new byte[] {(byte) 169, (byte) 254, (byte) 169, (byte) 254})),
            SSLContext.getDefault());

    Failed f = refused(adapter.execute(context("r", "{}")));

    assertThat(f.detail()).contains("rebind.example").contains("169.254.169.254");
  }
}
